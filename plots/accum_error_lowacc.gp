# Figure: accumulation error against K, low-precision accumulators and tensor-core models (16-bit inputs).
# needs: accum_error/errors.csv accum_error/plot_vars.gp
#
#   gnuplot -e "out_format='png'" plots/accum_error_lowacc.gp    (make plots does all)
fig = "accum_error_lowacc"
group = "lowacc"
group_title = "low-precision accumulators and tensor-core models (16-bit inputs)"
bound_e = "8 11 24"
bound_names = "bf16 fp16 fp32"
load "plots/lib/accum_error.gp"
