# Figure: non-associativity of dot products: how often another summation
# order gives the same bits as index order, and by how many ulps it differs.
# needs: drift/dot_orders.csv drift/dot_hist.csv drift/plot_vars.gp
fig = "drift_orders"
fig_w = 1700
fig_h = 700
load "plots/lib/figure.gp"
orders = resdir."/drift/dot_orders.csv"
hist = resdir."/drift/dot_hist.csv"
load resdir."/drift/plot_vars.gp"
S = "fp32 bf16-acc fp16-acc fp64 exact"
stats orders using "k" nooutput
K = STATS_max
stats orders using "samples" nooutput
N = STATS_min

set multiplot layout 1,2 margins 0.06,0.98,0.22,0.86 spacing 0.07 \
    title sprintf("Summation order changes the result: %d dot products of length K = %d (standard normal data), each summed in other orders", N, K) font ",15"

set title "results bitwise identical to index order"
set ylabel "fraction identical"
set yrange [0:1.3]
set ytics 0, 0.2, 1
set xrange [0.4:13.6]
eval order_tics
set xtics rotate by 45 right font ",11"
set style fill solid 0.85 border -1
set boxwidth 0.15 absolute
set key top left horizontal font ",11" samplen 1.5
set grid noxtics
plot for [i=1:words(S)] orders using (column("order_idx") + (i - 3) * 0.16):(strcol("scheme") eq word(S, i) && column("order_idx") > 0 ? column("frac_identical") : NaN) \
         with boxes lt i fs solid 0.85 title word(S, i) noenhanced

set title "distribution of |difference| to index order, all other orders pooled"
set xlabel "|difference| (ulps of the accumulator's format, bins (x/2, x])"
set ylabel "fraction of reordered results"
set logscale x 2
set logscale y 10
set format x "2^{%L}"
set format y "10^{%L}"
set autoscale x
set yrange [*:1]
set ytics autofreq
set xtics autofreq norotate font ",12"
set grid xtics ytics
set key top right vertical font ",12"
set label 1 "exact: every result identical (no bars)" at graph 0.97, graph 0.72 right font ",11"
plot for [i=1:4] hist using "ulp_hi":(strcol("scheme") eq word(S, i) && column("bin") > 0 && column("count") > 0 ? column("fraction") : NaN) \
         with linespoints lt i title word(S, i) noenhanced
unset label 1
unset multiplot
