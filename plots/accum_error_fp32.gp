# Figure: accumulation error against K, fp32 inputs, orders of summation and accumulators.
# needs: accum_error/errors.csv accum_error/plot_vars.gp
#
#   gnuplot -e "out_format='png'" plots/accum_error_fp32.gp    (make plots does all)
fig = "accum_error_fp32"
group = "fp32"
group_title = "fp32 inputs, orders of summation and accumulators"
bound_e = "24"
bound_names = "fp32"
load "plots/lib/accum_error.gp"
