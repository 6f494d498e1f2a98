# The accumulation-error figures: one group of schemes (from
# results/accum_error/plot_vars.gp), four panels: normal and uniform (0,1)
# data, normwise and componentwise error, median over trials (solid, points)
# and maximum (dotted), with the classical bounds for the unit roundoffs in
# bound_u (a space-separated list of exponents e: u = 2^-e).
#
# Set before loading: fig, group, group_title, bound_e, bound_names.
fig_w = 1500
fig_h = 1050
load "plots/lib/figure.gp"
load resdir."/accum_error/plot_vars.gp"
data = resdir."/accum_error/errors.csv"
eval "S = schemes_".group

set logscale x 2
set logscale y 10
set format x "2^{%L}"
set format y "10^{%L}"
stats data using "k" nooutput
set xrange [STATS_min / 1.4 : STATS_max * 1.4]
set xlabel "K (length of each dot product)"
set mxtics default

# One grey per unit roundoff (darkest: the lowest precision).
greys = "#303030 #7a7a7a #b0b0b0"
dists = "normal uniform01"
dist_titles = "'standard normal data' 'uniform (0,1) data'"
metrics = "normwise componentwise"
ylabels = "'normwise error  ||C-AB||_F / || |A||B| ||_F' 'componentwise error  max |C-AB|_{ij} / (|A||B|)_{ij}'"

set multiplot layout 2,2 margins 0.07,0.78,0.08,0.90 spacing 0.08,0.12 \
    title "Accumulation error against K: ".group_title."\n{/*0.8 median over trials (solid) and maximum (dotted); grey: deterministic {/Symbol g}_K and probabilistic sqrt(K) u bounds}" font ",15"
do for [d=1:2] {
    do for [mi=1:2] {
        dist = word(dists, d)
        metric = word(metrics, mi)
        set title word(dist_titles, d).", ".metric
        set ylabel word(ylabels, mi)
        if (d == 1 && mi == 2) {
            set key at screen 0.80, 0.88 left top Left reverse spacing 1.1 samplen 2.5 font ",11"
        } else {
            unset key
        }
        med = metric."_median"
        mx = metric."_max"
        plot for [i=1:words(S)] data using "k":(strcol("scheme") eq word(S, i) && strcol("dist") eq dist ? column(med) : NaN) \
                 with linespoints lt i title word(S, i) noenhanced, \
             for [i=1:words(S)] data using "k":(strcol("scheme") eq word(S, i) && strcol("dist") eq dist ? column(mx) : NaN) \
                 with lines lt i dt 3 lw 1 notitle, \
             for [b=1:words(bound_e)] gammak(x, 2.0**(-word(bound_e, b))) with lines dt 2 lw 1.5 lc rgb word(greys, b) \
                 title sprintf("{/Symbol g}_K, u = 2^{-%s} (%s)", word(bound_e, b), word(bound_names, b)), \
             for [b=1:words(bound_e)] sqrtku(x, 2.0**(-word(bound_e, b))) with lines dt 4 lw 1.5 lc rgb word(greys, b) \
                 title sprintf("sqrt(K) u, u = 2^{-%s}", word(bound_e, b))
    }
}
unset multiplot
