# Figure: accumulation error against K, tf32, bf16 and fp16 inputs with fp32 accumulation.
# needs: accum_error/errors.csv accum_error/plot_vars.gp
#
#   gnuplot -e "out_format='png'" plots/accum_error_16bit.gp    (make plots does all)
fig = "accum_error_16bit"
group = "16bit"
group_title = "tf32, bf16 and fp16 inputs with fp32 accumulation"
bound_e = "24"
bound_names = "fp32"
load "plots/lib/accum_error.gp"
