# Figure: reproducibility of every scheme's GEMM: 2 threads against 1, the
# scalar model against the fast kernel, and K split into S GEMMs.
# needs: drift/gemm.csv drift/plot_vars.gp
fig = "drift_gemm"
fig_w = 1900
fig_h = 1000
load "plots/lib/figure.gp"
data = resdir."/drift/gemm.csv"
load resdir."/drift/plot_vars.gp"
stats data using "scheme_idx" nooutput
NS = STATS_max + 1
stats data using "k" nooutput
K = STATS_max
stats data using "m" nooutput
M = STATS_max
V = "threads:2 model splitk:2 splitk:4 splitk:8"
VT = "'2 threads vs 1' 'scalar model vs fast kernel' 'split-K, 2 GEMMs' 'split-K, 4 GEMMs' 'split-K, 8 GEMMs'"

set multiplot layout 2,1 margins 0.05,0.99,0.2,0.9 spacing 0.0,0.05 \
    title sprintf("GEMM reproducibility of every scheme (M = N = %d, K = %d, standard normal data): bits identical to the 1-thread default kernel", M, K) font ",15"
set xrange [-0.6:NS - 0.4]
set style fill solid 0.85 border -1
set boxwidth 0.15 absolute
set grid noxtics ytics
set title "fraction of outputs bitwise identical"
set ylabel "fraction identical"
set yrange [0:1.3]
set ytics 0, 0.2, 1
set format x ""
set key top center horizontal font ",12" samplen 1.5
plot for [v=1:5] data using (column("scheme_idx") + (v - 3) * 0.17):(strcol("variant") eq word(V, v) ? column("frac_identical") : NaN) \
        with boxes lt v title word(VT, v)

set title "largest difference, split-K"
set ylabel "max |difference| (ulps of the output format)"
set logscale y 10
set format y "10^{%L}"
set yrange [*:*]
set ytics autofreq
set format x "%g"
eval scheme_tics
set xtics rotate by 60 right font ",10"
unset key
plot for [v=3:5] data using (column("scheme_idx") + (v - 3) * 0.2):(strcol("variant") eq word(V, v) && column("ulp_max") > 0 ? column("ulp_max") : NaN) \
        with points lt v pt 7 ps 1 title word(VT, v)
unset multiplot
