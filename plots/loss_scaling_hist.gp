# Figure: magnitudes of (synthetic) gradients against the ranges of fp16,
# bf16, e4m3 and e5m2.
# needs: loss_scaling/histogram.csv loss_scaling/ranges.csv
fig = "loss_scaling_hist"
fig_w = 1600
fig_h = 800
load "plots/lib/figure.gp"
hist = resdir."/loss_scaling/histogram.csv"
ranges = resdir."/loss_scaling/ranges.csv"
F = "fp16 bf16 e4m3 e5m2"
set title "SYNTHETIC gradients (no training harness yet): g = {/Symbol \\261}2^{-24 + 4T}, T Student-t distributed (4 d.o.f.), against the range of each format\n{/*0.8 bars: histogram of log_2|g|; thick segment: normal range of the format, thin: its subnormals; everything left of the thin segment rounds to 0}" font ",15"
set xlabel "log_2 |g| (binade)"
set ylabel "fraction of gradients per binade"
set xrange [-64:18]
set yrange [0:*]
set xtics 4
set style fill solid 0.6 border -1
set boxwidth 1.0 absolute
set key top left font ",12"
stats hist using "fraction" nooutput
top = STATS_max
# One row per format above the histogram: y = top * (1.15 + 0.12 i).
yrow(i) = top * (1.12 + 0.13 * i)
set yrange [0:yrow(4.6)]
set ytics nomirror
# Labels above the left end of each bar (inside the plot for bf16, whose
# range is far wider than the axis).
lab_x(v) = v < -62 ? -62 : v
plot hist using (column("log2_lo") + 0.5):"fraction" with boxes lc rgb "#888888" title "gradients (histogram of log_2|g|)", \
     for [i=1:4] ranges using (lab_x(column("log2_min_subnormal"))):(strcol("format") eq word(F, i) ? yrow(i) + 0.045 * top : NaN):(strcol("format")) \
         with labels left font ",12" notitle, \
     for [i=1:4] ranges using (column("log2_min_normal")):(strcol("format") eq word(F, i) ? yrow(i) : NaN):(column("log2_max_finite") - column("log2_min_normal")):(0) \
         with vectors nohead lt i lw 9 notitle, \
     for [i=1:4] ranges using (column("log2_min_subnormal")):(strcol("format") eq word(F, i) ? yrow(i) : NaN):(column("log2_min_normal") - column("log2_min_subnormal")):(0) \
         with vectors nohead lt i lw 3 notitle
