/**
 * The report's only script: draws each kernel's timeline on a canvas from the embedded report data,
 * with zoom (wheel at the pointer, buttons) and pan (drag), and a tooltip naming the segment or
 * instruction under the pointer. Plain browser JavaScript, no library: the page works offline. After
 * every draw it sets `data-segments-drawn` on the timeline (what the headless-browser test reads).
 * Kept as a string (inlined into report.html); it must not contain backquotes or dollar-brace.
 */
export const TIMELINE_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var COLOURS = JSON.parse(document.getElementById('report-data').getAttribute('data-colours'));
  var LANE_H = 16, AXIS_H = 22, LABEL_W = 150;
  // detail (one rectangle per instruction) is drawn while at most this many are in view
  var DETAIL_IN_VIEW = 60000;

  function niceStep(span, count) {
    var raw = span / Math.max(1, count), mag = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  }
  function grouped(n) { return Math.round(n).toLocaleString('en-US'); }
  // first record (of w numbers each in flat array a, sorted so that endOf grows) with endOf >= t
  function firstEnding(a, w, t, endOf) {
    var lo = 0, hi = a.length / w;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (endOf(a, mid * w) < t) lo = mid + 1; else hi = mid; }
    return lo;
  }

  function Timeline(el, k) {
    var kernel = data.kernels[k], tl = kernel.timeline, self = this;
    this.el = el; this.tl = tl; this.clock = kernel.summary.clockMHz;
    this.canvas = el.querySelector('canvas'); this.tip = el.querySelector('.tip'); this.range = el.querySelector('.range');
    this.end = Math.max(1, tl.cycles);
    this.t0 = 0; this.t1 = this.end;
    // per lane, its instructions (detail), each [start, end, op, asm, pc], in start order
    this.detail = null;
    if (tl.detail) {
      this.detail = tl.lanes.map(function () { return []; });
      var d = tl.detail.insns;
      for (var i = 0; i < d.length; i += 6) this.detail[d[i]].push(d[i + 1], d[i + 2], d[i + 3], d[i + 4], d[i + 5]);
      // searched by start: a record can end past the next one's start, but by no more than the lane's longest
      this.longest = this.detail.map(function (a) { var m = 0; for (var j = 0; j < a.length; j += 5) m = Math.max(m, a[j + 1] - a[j]); return m; });
    }
    this.cssHeight = AXIS_H + tl.lanes.length * LANE_H + 4;
    this.cssWidth = 1200;
    this.canvas.style.height = this.cssHeight + 'px';
    el.querySelector('[data-act=in]').onclick = function () { self.zoom(0.5, 0.5); };
    el.querySelector('[data-act=out]').onclick = function () { self.zoom(2, 0.5); };
    el.querySelector('[data-act=reset]').onclick = function () { self.t0 = 0; self.t1 = self.end; self.draw(); };
    this.canvas.addEventListener('wheel', function (e) {
      e.preventDefault();
      self.zoom(e.deltaY > 0 ? 1.25 : 0.8, self.fraction(e));
    }, { passive: false });
    var drag = null;
    this.canvas.addEventListener('mousedown', function (e) { drag = { x: e.clientX, t0: self.t0, t1: self.t1 }; });
    window.addEventListener('mouseup', function () { drag = null; });
    this.canvas.addEventListener('mousemove', function (e) {
      if (drag) {
        var dt = ((e.clientX - drag.x) / self.plotWidth()) * (drag.t1 - drag.t0);
        var span = drag.t1 - drag.t0;
        self.t0 = Math.max(0, Math.min(self.end - span, drag.t0 - dt)); self.t1 = self.t0 + span;
        self.draw();
      }
      self.hover(e);
    });
    this.canvas.addEventListener('mouseleave', function () { self.tip.style.display = 'none'; });
    this.canvas.addEventListener('dblclick', function () { self.t0 = 0; self.t1 = self.end; self.draw(); });
  }
  Timeline.prototype.plotWidth = function () { return Math.max(1, this.cssWidth - LABEL_W - 8); };
  Timeline.prototype.fraction = function (e) {
    var r = this.canvas.getBoundingClientRect();
    return Math.max(0, Math.min(1, (e.clientX - r.left - LABEL_W) / this.plotWidth()));
  };
  Timeline.prototype.zoom = function (factor, at) {
    var span = this.t1 - this.t0, pivot = this.t0 + span * at;
    var next = Math.max(10, Math.min(this.end, span * factor));
    this.t0 = Math.max(0, Math.min(this.end - next, pivot - next * at)); this.t1 = this.t0 + next;
    this.draw();
  };
  // first instruction of lane li that may end at or after t (instructions are in start order)
  Timeline.prototype.firstInsn = function (li, t) {
    return firstEnding(this.detail[li], 5, t - this.longest[li], function (v, j) { return v[j]; });
  };
  Timeline.prototype.x = function (t) { return LABEL_W + ((t - this.t0) / (this.t1 - this.t0)) * this.plotWidth(); };
  Timeline.prototype.inViewDetail = function () {
    if (!this.detail) return Infinity;
    var n = 0, self = this;
    this.detail.forEach(function (a, li) { n += a.length / 5 - self.firstInsn(li, self.t0); });
    return n;
  };
  Timeline.prototype.draw = function () {
    var c = this.canvas, tl = this.tl, self = this;
    // drawn in CSS pixels, stored at the screen's resolution (sharp on high-density screens)
    var dpr = window.devicePixelRatio || 1;
    this.cssWidth = c.clientWidth || 1200;
    c.width = Math.round(this.cssWidth * dpr); c.height = Math.round(this.cssHeight * dpr);
    var g = c.getContext('2d'), w = this.plotWidth(), span = this.t1 - this.t0;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, this.cssWidth, this.cssHeight);
    g.font = '11px sans-serif'; g.textBaseline = 'middle';
    // the time axis
    var step = niceStep(span, Math.max(2, Math.floor(w / 110)));
    g.fillStyle = '#333'; g.strokeStyle = '#e4e4e4';
    for (var t = Math.ceil(this.t0 / step) * step; t <= this.t1; t += step) {
      var x = this.x(t);
      g.beginPath(); g.moveTo(x, AXIS_H - 4); g.lineTo(x, self.cssHeight); g.stroke();
      g.fillText(grouped(t), x + 2, AXIS_H / 2);
    }
    var useDetail = this.inViewDetail() <= DETAIL_IN_VIEW;
    var drawn = 0;
    tl.lanes.forEach(function (lane, li) {
      var y = AXIS_H + li * LANE_H;
      if (li > 0 && tl.lanes[li - 1].core !== lane.core) { g.fillStyle = '#999'; g.fillRect(0, y - 1, self.cssWidth, 1); }
      g.fillStyle = li % 2 ? '#fafafa' : '#f2f2f2'; g.fillRect(LABEL_W, y, w, LANE_H - 1);
      g.fillStyle = '#222';
      g.fillText('core ' + lane.core + ' ' + lane.kind + ' ' + lane.pipe, 4, y + LANE_H / 2);
      var colour = COLOURS[lane.pipe] || '#444';
      drawn += useDetail ? self.drawInsns(g, li, y, colour) : self.drawSegments(g, lane, y, colour);
    });
    this.el.setAttribute('data-segments-drawn', String(drawn));
    this.el.setAttribute('data-view', useDetail ? 'instructions' : 'segments');
    this.range.textContent = 'cycles ' + grouped(this.t0) + ' to ' + grouped(this.t1) + ' (' + (span / this.clock).toFixed(3) + ' us); ' + (useDetail ? 'every instruction' : 'merged busy segments, shade = busy share');
  };
  // draws rectangles [a, b) with alpha, joining those that fall in the same pixel column; returns how many were drawn
  Timeline.prototype.drawSegments = function (g, lane, y, colour) {
    var s = lane.segments, n = 0, t = 0, self = this;
    g.fillStyle = colour;
    var i = firstEnding(s, 3, this.t0, function (v, j) { return v[j] + v[j + 1]; });
    for (; i * 3 < s.length; i++) {
      var a = s[i * 3], len = s[i * 3 + 1];
      if (a > this.t1) break;
      var x0 = this.x(a), x1 = Math.max(x0 + 1, this.x(a + len));
      g.globalAlpha = 0.3 + 0.7 * Math.min(1, s[i * 3 + 2] / Math.max(1, len));
      g.fillRect(Math.max(LABEL_W, x0), y + 2, Math.min(x1, LABEL_W + self.plotWidth()) - Math.max(LABEL_W, x0), LANE_H - 5);
      n++;
    }
    g.globalAlpha = 1;
    return n;
  };
  Timeline.prototype.drawInsns = function (g, li, y, colour) {
    var a = this.detail[li], n = 0, wait = this.tl.detail.wait;
    for (var i = this.firstInsn(li, this.t0); i * 5 < a.length; i++) {
      var s = a[i * 5], e = a[i * 5 + 1];
      if (s > this.t1) break;
      var waits = wait[a[i * 5 + 2]];
      g.fillStyle = waits ? '#c8c8c8' : colour;
      var x0 = Math.max(LABEL_W, this.x(s)), x1 = Math.min(LABEL_W + this.plotWidth(), Math.max(this.x(s) + 1, this.x(e)));
      g.fillRect(x0, y + (waits ? 6 : 2), Math.max(1, x1 - x0 - (x1 - x0 > 3 ? 1 : 0)), waits ? 3 : LANE_H - 5);
      n++;
    }
    return n;
  };
  Timeline.prototype.hover = function (e) {
    var r = this.canvas.getBoundingClientRect(), li = Math.floor((e.clientY - r.top - AXIS_H) / LANE_H);
    var lane = this.tl.lanes[li], t = this.t0 + this.fraction(e) * (this.t1 - this.t0);
    if (!lane || e.clientX - r.left < LABEL_W) { this.tip.style.display = 'none'; return; }
    var text = '';
    var slack = (2 * (this.t1 - this.t0)) / this.plotWidth();
    if (this.el.getAttribute('data-view') === 'instructions') {
      var a = this.detail[li];
      for (var i = this.firstInsn(li, t - slack); i * 5 < a.length && a[i * 5] <= t + slack; i++)
        if (a[i * 5 + 1] >= t - slack) text = this.tl.detail.ops[a[i * 5 + 2]] + ' (pc ' + a[i * 5 + 4] + ')\n' + this.tl.detail.asm[a[i * 5 + 3]] + '\ncycles ' + grouped(a[i * 5]) + ' to ' + grouped(a[i * 5 + 1]) + ' (' + grouped(a[i * 5 + 1] - a[i * 5]) + ')';
    } else {
      var s = lane.segments;
      var j = firstEnding(s, 3, t - slack, function (v, k) { return v[k] + v[k + 1]; });
      if (j * 3 < s.length && s[j * 3] <= t + slack)
        text = 'busy segment: cycles ' + grouped(s[j * 3]) + ' to ' + grouped(s[j * 3] + s[j * 3 + 1]) + '\n' + (100 * s[j * 3 + 2] / Math.max(1, s[j * 3 + 1])).toFixed(1) + '% busy';
    }
    this.tip.textContent = 'core ' + lane.core + ' (' + lane.kind + ' block ' + lane.block + ') ' + lane.pipe + (text ? '\n' + text : '\nidle at cycle ' + grouped(t));
    this.tip.style.display = 'block';
    this.tip.style.left = (e.clientX - r.left + 14) + 'px';
    this.tip.style.top = (e.clientY - r.top + 14) + 'px';
  };

  var views = [];
  document.querySelectorAll('.timeline').forEach(function (el) {
    var v = new Timeline(el, Number(el.getAttribute('data-kernel')));
    views.push(v); v.draw();
  });
  window.addEventListener('resize', function () { views.forEach(function (v) { v.draw(); }); });
  // the script ran to its end: the headless-browser test checks this
  document.body.setAttribute('data-report-ready', String(views.length));
})();
`;
