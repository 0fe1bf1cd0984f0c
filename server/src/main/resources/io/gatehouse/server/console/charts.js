// Small bar charts drawn as SVG in the page (no chart library, nothing from another origin).
"use strict";
const charts = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const COLORS = ["#0550ae", "#bc4c00", "#a40e26"];
  function svg(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  // rows: [{label, values: [n, n, n]}], series: names; grouped bars with a legend and a text alternative.
  function bars(rows, series, title) {
    const w = 600, h = 200, pad = 28, max = Math.max(1, ...rows.flatMap(r => r.values));
    const slot = (w - pad) / rows.length, bw = Math.max(1, (slot - 2) / series.length);
    const root = svg("svg", { viewBox: `0 0 ${w} ${h + 20}`, class: "chart", role: "img", "aria-label": title });
    root.append(svg("title", {}, title));
    root.append(svg("text", { x: 0, y: 10 }, String(max)), svg("text", { x: 0, y: h }, "0"));
    root.append(svg("line", { x1: pad, y1: h, x2: w, y2: h, stroke: "#d0d7de" }));
    rows.forEach((r, i) => {
      r.values.forEach((v, s) => {
        const bh = (h - 10) * v / max;
        const rect = svg("rect", { x: pad + i * slot + s * bw, y: h - bh, width: bw, height: bh, fill: COLORS[s] });
        rect.append(svg("title", {}, `${r.label}: ${v} ${series[s]}`));
        root.append(rect);
      });
      if (rows.length <= 8 || i % 3 === 0) root.append(svg("text", { x: pad + i * slot, y: h + 14 }, r.label));
    });
    const legend = gh.el("p", { class: "legend" }, ...series.map((s, i) => gh.el("span", {}, gh.el("span", { class: "sw s" + i }), s)));
    return gh.el("figure", {}, root, legend);
  }
  return { bars };
})();
