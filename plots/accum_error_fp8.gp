# Figure: accumulation error against K, fp8 inputs, per-tensor scaling, fp32 and H100 tensor-core accumulation.
# needs: accum_error/errors.csv accum_error/plot_vars.gp
#
#   gnuplot -e "out_format='png'" plots/accum_error_fp8.gp    (make plots does all)
fig = "accum_error_fp8"
group = "fp8"
group_title = "fp8 inputs, per-tensor scaling, fp32 and H100 tensor-core accumulation"
bound_e = "24"
bound_names = "fp32"
load "plots/lib/accum_error.gp"
