# Figure: accumulation error against K, block-scaled and integer formats (MX, NVFP4, int8, ternary).
# needs: accum_error/errors.csv accum_error/plot_vars.gp
#
#   gnuplot -e "out_format='png'" plots/accum_error_block.gp    (make plots does all)
fig = "accum_error_block"
group = "block"
group_title = "block-scaled and integer formats (MX, NVFP4, int8, ternary)"
bound_e = "24"
bound_names = "fp32"
load "plots/lib/accum_error.gp"
