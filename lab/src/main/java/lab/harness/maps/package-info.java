/**
 * A run's numbers as heatmaps: {@link lab.harness.maps.HeatmapAssembler} turns a summary into one map per
 * 2-D layout an experiment declares, metric and facet; {@link lab.harness.maps.ExampleHeatmaps} draws
 * conditions against examples. Used by the run (its report and PNGs) and by run comparisons alike.
 */
package lab.harness.maps;
