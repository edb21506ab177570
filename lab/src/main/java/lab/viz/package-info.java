/**
 * Pictures and tables of results: PNG heatmaps, a self-contained interactive HTML report per run, and
 * a leaderboard across runs.
 *
 * <p>This package takes plain data only (labels, numbers, strings). It deliberately knows nothing of
 * models, experiments or experiment tracking, so that the harness decides what to show and this
 * package only decides how. Every file is written atomically (temp file, then rename) so a crashed or
 * concurrent run never leaves a half-written report behind.
 */
package lab.viz;
