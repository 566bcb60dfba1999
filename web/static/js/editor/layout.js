/* Geometry of the bar chart and the timeline, as plain numbers: render.js draws them in SVG.
 * Kept apart from the DOM so that the scales, ticks and stacking can be tested in Node.
 */

/* The most bars one chart draws; longer results show their first rows. */
export const CHART_MAX = 60;

export const BAR = {height: 22, gap: 6, labelWidth: 240, plotWidth: 520, valueWidth: 90, top: 4};
export const TIMELINE = {width: 860, left: 20, right: 20, axisY: 46, height: 70, lanes: 4, near: 7};

/* Bars for `values` (negative ones to the left of zero): {width, height, zero, bars: [{x, y, w}]}. */
export function barLayout(values) {
  const low = Math.min(0, ...values);
  const high = Math.max(0, ...values);
  const span = high - low || 1;
  const b = BAR;
  const bars = values.map(function (value, k) {
    return {
      x: b.labelWidth + (Math.min(value, 0) - low) / span * b.plotWidth,
      y: b.top + k * (b.height + b.gap),
      w: Math.max(Math.abs(value) / span * b.plotWidth, 1)
    };
  });
  return {
    width: b.labelWidth + b.plotWidth + b.valueWidth,
    height: b.top + values.length * (b.height + b.gap),
    zero: b.labelWidth + (0 - low) / span * b.plotWidth,
    bars
  };
}

/* A round tick step giving at most about twelve ticks over `span` years. */
export function niceStep(span) {
  const steps = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000];
  for (const step of steps) if (span / step <= 12) return step;
  return 1000;
}

/* Ticks and dots for events sorted by `at` (a fractional year). Events close in time are
 * stacked upwards, up to TIMELINE.lanes lanes, so each dot stays visible. */
export function timelineLayout(ats) {
  const t = TIMELINE;
  let first = Math.floor(ats[0]);
  let last = Math.floor(ats[ats.length - 1]) + 1;
  const step = niceStep(last - first);
  first = Math.floor(first / step) * step;
  last = Math.ceil(last / step) * step;
  if (last === first) last = first + step;
  const scale = (at) => t.left + (at - first) / (last - first) * (t.width - t.left - t.right);
  const ticks = [];
  for (let year = first; year <= last; year += step) ticks.push({year, x: scale(year)});
  const lanes = [];
  const dots = ats.map(function (at) {
    const x = scale(at);
    let lane = 0;
    while (lanes[lane] !== undefined && x - lanes[lane] < t.near && lane < t.lanes) lane++;
    lanes[lane] = x;
    return {x, y: t.axisY - 8 - lane * 9, lane};
  });
  return {first, last, step, ticks, dots};
}
