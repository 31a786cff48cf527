// The graph page's script (archive/graph/render.py embeds it inline; no network).
// Reads the JSON of <script id="graph-data">: nodes with layout positions in [0, 1]^2,
// kind, source(s), publication date ("from": the day a node appears on the slider),
// importance order and the archived page's address; edges as node indices.
// Draws into an SVG that fills the window (redrawn on resize), labels the most
// important nodes that fit without overlapping, keeps the hover box inside the canvas,
// and shows a node only if its kind and source are ticked and its date is on or before
// the slider's; an edge only when both its ends are shown.
(function () {
  "use strict";
  const NS = "http://www.w3.org/2000/svg"; // a namespace name, never fetched
  const $ = (id) => document.getElementById(id);
  const data = JSON.parse($("graph-data").textContent);
  const N = data.nodes, E = data.edges, PAD = 36, CELL = 40;
  const stage = $("stage"), svg = $("graph"), tip = $("tip"), counts = $("counts");
  const slider = $("slider"), when = $("when"), search = $("search"), found = $("found");
  const gEdges = $("edges"), gNodes = $("nodes"), gLabels = $("labels");
  const kindOn = {}, sourceOn = {};
  let W = 800, H = 600, view = { k: 1, x: 0, y: 0 }, hot = -1, shown = N.map(() => true);
  let matches = [], pick = 0, drag = null;

  function el(tag, attrs, parent) {
    const e = document.createElementNS(NS, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  function boxes(holder, values, state, colours, count) {
    values.forEach((v) => {
      state[v] = true;
      const label = document.createElement("label"), box = document.createElement("input");
      box.type = "checkbox";
      box.checked = true;
      box.value = v;
      box.addEventListener("change", () => { state[v] = box.checked; update(); });
      label.appendChild(box);
      if (colours) {
        const dot = document.createElement("i");
        dot.style.background = colours[v] || colours.other;
        label.appendChild(dot);
      }
      label.appendChild(document.createTextNode(v + " (" + N.filter((n) => count(n, v)).length + ")"));
      holder.appendChild(label);
    });
  }
  boxes($("kinds"), data.kinds, kindOn, data.colours, (n, v) => n.kind === v);
  boxes($("sources"), data.sources, sourceOn, null, (n, v) => n.src.includes(v));

  const lines = E.map((e) => el("line", { class: e.rel }, gEdges));
  const dots = N.map((n, i) => {
    const parent = n.href ? el("a", { href: n.href, target: "_blank" }, gNodes) : gNodes;
    const dot = el("circle", { r: n.r, fill: data.colours[n.kind] || data.colours.other }, parent);
    dot.addEventListener("mouseenter", () => showTip(i));
    dot.addEventListener("mouseleave", () => { if (i !== hot) tip.style.display = "none"; });
    return dot;
  });

  function place() {
    const w = W - 2 * PAD, h = H - 2 * PAD;
    N.forEach((n, i) => {
      n.px = view.x + view.k * (PAD + n.x * w);
      n.py = view.y + view.k * (PAD + n.y * h);
      dots[i].setAttribute("cx", n.px.toFixed(1));
      dots[i].setAttribute("cy", n.py.toFixed(1));
    });
    E.forEach((e, i) => {
      const a = N[e.s], b = N[e.t];
      lines[i].setAttribute("x1", a.px.toFixed(1));
      lines[i].setAttribute("y1", a.py.toFixed(1));
      lines[i].setAttribute("x2", b.px.toFixed(1));
      lines[i].setAttribute("y2", b.py.toFixed(1));
    });
    labels();
    if (hot >= 0) showTip(hot);
  }

  function labels() {
    // The most important shown nodes first (the searched one before all): a label goes
    // right of its dot, else left, above or below, wherever it stays on the canvas and
    // covers no other label and no other shown dot (the first few, the hubs, may cover
    // dots: their neighbours crowd them); a node with no such place gets none.
    while (gLabels.firstChild) gLabels.removeChild(gLabels.firstChild);
    const limit = Math.max(8, Math.round((W * H) / 15000)), taken = [], grid = new Map();
    const cell = (x, y) => Math.floor(x / CELL) + "," + Math.floor(y / CELL);
    N.forEach((n, i) => {
      if (!shown[i] || n.px < -CELL || n.py < -CELL || n.px > W + CELL || n.py > H + CELL) return;
      const key = cell(n.px, n.py);
      if (!grid.has(key)) grid.set(key, []);
      grid.get(key).push(i);
    });
    const hubs = Math.ceil(limit / 6), free = (x, y, w, h, self) => {
      if (x < 2 || y < 2 || x + w > W - 2 || y + h > H - 2) return false;
      if (taken.some((b) => x < b[0] + b[2] && b[0] < x + w && y < b[1] + b[3] && b[1] < y + h)) {
        return false;
      }
      if (taken.length < hubs) return true;
      for (let cx = Math.floor((x - CELL) / CELL); cx <= Math.floor((x + w + CELL) / CELL); cx++) {
        for (let cy = Math.floor((y - CELL) / CELL); cy <= Math.floor((y + h + CELL) / CELL); cy++) {
          for (const j of grid.get(cx + "," + cy) || []) {
            const d = N[j], r = d.r + 1;
            if (j !== self && d.px + r > x && d.px - r < x + w && d.py + r > y && d.py - r < y + h) {
              return false;
            }
          }
        }
      }
      return true;
    };
    const order = hot >= 0 ? [hot].concat(data.order) : data.order, done = new Set();
    let tried = 0;
    for (const i of order) {
      if (taken.length >= limit || tried > 8 * limit) break;
      const n = N[i];
      if (done.has(i) || !shown[i] || n.px < 0 || n.py < 0 || n.px > W || n.py > H) continue;
      done.add(i);
      tried++;
      const w = n.short.length * 7 + 4, h = 15, gap = n.r + 3;
      const spots = [[n.px + gap, n.py - h / 2], [n.px - gap - w, n.py - h / 2],
        [n.px - w / 2, n.py - gap - h], [n.px - w / 2, n.py + gap]];
      const spot = spots.find(([x, y]) => free(x, y, w, h, i));
      if (!spot) continue;
      taken.push([spot[0], spot[1], w, h]);
      const text = el("text", { x: spot[0].toFixed(1), y: (spot[1] + 11).toFixed(1), class: "lbl" }, gLabels);
      text.textContent = n.short;
    }
    gLabels.setAttribute("data-count", taken.length);
  }

  function update() {
    const t = data.dates.length ? data.dates[+slider.value] : null;
    when.textContent = t ? "published up to " + t : "no publication dates";
    let nn = 0, ne = 0;
    shown = N.map((n, i) => {
      const v = kindOn[n.kind] && (!n.src.length || n.src.some((s) => sourceOn[s])) &&
        (!n.from || !t || n.from <= t);
      dots[i].style.display = v ? "" : "none";
      if (v) nn++;
      return v;
    });
    E.forEach((e, i) => {
      const v = shown[e.s] && shown[e.t];
      lines[i].style.display = v ? "" : "none";
      if (v) ne++;
    });
    counts.textContent = (nn === N.length && ne === E.length ? nn + " nodes, " + ne + " edges"
      : nn + " of " + N.length + " nodes, " + ne + " of " + E.length + " edges shown") + data.more;
    counts.setAttribute("data-shown-nodes", nn);
    counts.setAttribute("data-shown-edges", ne);
    labels();
  }

  function showTip(i) {
    const n = N[i], links = E.filter((e) => e.s === i || e.t === i).length;
    tip.textContent = "";
    const head = document.createElement("strong");
    head.textContent = n.title;
    tip.appendChild(head);
    const facts = [n.kind, n.label, n.source, n.published ? "published " + n.published : "",
      links + " links", n.href ? "click: archived page" : "not archived"];
    [facts.filter(Boolean).join(" · "), n.id].forEach((line) => {
      const div = document.createElement("div");
      div.textContent = line;
      tip.appendChild(div);
    });
    tip.style.display = "block";
    const tw = tip.offsetWidth, th = tip.offsetHeight;
    let x = n.px + 12, y = n.py + 12;
    if (x + tw > W - 4) x = n.px - 12 - tw;
    if (y + th > H - 4) y = n.py - 12 - th;
    tip.style.left = Math.max(4, Math.min(x, W - tw - 4)) + "px";
    tip.style.top = Math.max(4, Math.min(y, H - th - 4)) + "px";
  }

  function focus(i) {
    if (hot >= 0) dots[hot].classList.remove("found");
    hot = i;
    if (i < 0) { tip.style.display = "none"; labels(); return; }
    dots[i].classList.add("found");
    const n = N[i];
    view.k = Math.max(view.k, 1.5);
    view.x = W / 2 - view.k * (PAD + n.x * (W - 2 * PAD));
    view.y = H / 2 - view.k * (PAD + n.y * (H - 2 * PAD));
    place();
  }

  function find(next) {
    const q = search.value.trim().toLowerCase();
    if (!next) {
      matches = q ? data.order.filter((i) => (N[i].title + " " + N[i].id).toLowerCase().includes(q)) : [];
      matches.sort((a, b) => shown[b] - shown[a]);
      pick = 0;
    } else if (matches.length) pick = (pick + 1) % matches.length;
    if (!matches.length) { found.textContent = q ? "not found" : ""; focus(-1); return; }
    const i = matches[pick];
    found.textContent = (pick + 1) + " of " + matches.length + (shown[i] ? "" : " (hidden by the filters)");
    focus(i);
  }
  search.addEventListener("input", () => find(false));
  search.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); find(true); } });

  function resize() {
    W = Math.max(200, stage.clientWidth);
    H = Math.max(200, stage.clientHeight);
    svg.setAttribute("width", W);
    svg.setAttribute("height", H);
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    place();
  }
  window.addEventListener("resize", resize);
  svg.addEventListener("wheel", (ev) => {
    ev.preventDefault();
    const f = ev.deltaY < 0 ? 1.2 : 1 / 1.2, r = svg.getBoundingClientRect();
    const mx = ev.clientX - r.left, my = ev.clientY - r.top;
    view = { k: view.k * f, x: mx - (mx - view.x) * f, y: my - (my - view.y) * f };
    place();
  }, { passive: false });
  svg.addEventListener("mousedown", (ev) => {
    if (ev.target.tagName !== "circle") drag = [ev.clientX - view.x, ev.clientY - view.y];
  });
  window.addEventListener("mousemove", (ev) => {
    if (drag) { view.x = ev.clientX - drag[0]; view.y = ev.clientY - drag[1]; place(); }
  });
  window.addEventListener("mouseup", () => { drag = null; });
  $("fit").addEventListener("click", () => { view = { k: 1, x: 0, y: 0 }; place(); });

  slider.max = Math.max(data.dates.length - 1, 0);
  slider.value = slider.max;
  slider.disabled = !data.dates.length;
  slider.addEventListener("input", update);
  resize();
  // graph.html#find=Kita&until=2025-06-30&hide=label,notice: a search, the slider's last
  // step on or before a day, kinds or sources unticked, on opening (links, tests)
  const opts = new URLSearchParams(location.hash.slice(1));
  if (opts.has("until")) {
    let i = data.dates.length - 1;
    while (i > 0 && data.dates[i] > opts.get("until")) i--;
    slider.value = Math.max(i, 0);
  }
  const hide = (opts.get("hide") || "").split(",");
  document.querySelectorAll("header input[type=checkbox]").forEach((box) => {
    if (hide.includes(box.value)) { box.checked = false; box.dispatchEvent(new Event("change")); }
  });
  update();
  if (opts.get("find")) { search.value = opts.get("find"); find(false); }
  counts.setAttribute("data-drawn", "yes");
})();
