/* aigraph: the neighbourhood graph on entity pages, as an SVG force layout.
   Reads {nodes: [{id, label, kind, url, center}], edges: [{source, target, label}], legend}
   from the JSON script named by the container's data-graph-for. Nodes are links (Tab and
   Enter work); dragging a node moves it and lets the others settle. No dependencies. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function layout(nodes, edges, width, height, iterations, fixed) {
    var i, j, k, a, b, dx, dy, dist, force;
    var ideal = Math.max(70, Math.min(140, Math.sqrt((width * height) / (nodes.length + 1)) * 0.8));
    var temperature = ideal;
    for (k = 0; k < iterations; k++) {
      nodes.forEach(function (n) { n.fx = 0; n.fy = 0; });
      for (i = 0; i < nodes.length; i++) {
        for (j = i + 1; j < nodes.length; j++) {
          a = nodes[i]; b = nodes[j];
          dx = a.x - b.x; dy = a.y - b.y;
          dist = Math.sqrt(dx * dx + dy * dy) || 0.01;
          force = (ideal * ideal) / dist;
          a.fx += (dx / dist) * force; a.fy += (dy / dist) * force;
          b.fx -= (dx / dist) * force; b.fy -= (dy / dist) * force;
        }
      }
      edges.forEach(function (e) {
        dx = e.s.x - e.t.x; dy = e.s.y - e.t.y;
        dist = Math.sqrt(dx * dx + dy * dy) || 0.01;
        force = (dist * dist) / ideal;
        e.s.fx -= (dx / dist) * force; e.s.fy -= (dy / dist) * force;
        e.t.fx += (dx / dist) * force; e.t.fy += (dy / dist) * force;
      });
      nodes.forEach(function (n) {
        if (n.center || n === fixed) { return; }
        n.fx += (width / 2 - n.x) * 0.02 * ideal / 10;
        n.fy += (height / 2 - n.y) * 0.02 * ideal / 10;
        dist = Math.sqrt(n.fx * n.fx + n.fy * n.fy) || 0.01;
        n.x += (n.fx / dist) * Math.min(dist, temperature);
        n.y += (n.fy / dist) * Math.min(dist, temperature);
        n.x = Math.max(20, Math.min(width - 20, n.x));
        n.y = Math.max(20, Math.min(height - 20, n.y));
      });
      temperature = Math.max(1, temperature * 0.97);
    }
  }

  function draw(container, data) {
    var width = container.clientWidth || 640;
    var height = container.clientHeight || 400;
    var byId = {};
    var nodes = data.nodes.map(function (n, i) {
      var angle = (2 * Math.PI * i) / Math.max(1, data.nodes.length - 1);
      var node = {
        id: n.id, label: n.label, kind: n.kind, url: n.url, center: !!n.center,
        x: n.center ? width / 2 : width / 2 + Math.cos(angle) * width / 3,
        y: n.center ? height / 2 : height / 2 + Math.sin(angle) * height / 3
      };
      byId[n.id] = node;
      return node;
    });
    var edges = data.edges.filter(function (e) { return byId[e.source] && byId[e.target]; })
      .map(function (e) { return { s: byId[e.source], t: byId[e.target], label: e.label }; });
    layout(nodes, edges, width, height, 300, null);

    container.textContent = "";
    var svg = el("svg", { viewBox: "0 0 " + width + " " + height }, container);
    var content = el("g", {}, svg);
    var edgeLayer = el("g", {}, content);
    var nodeLayer = el("g", {}, content);
    var showLabels = edges.length <= 24;
    edges.forEach(function (e) {
      e.line = el("line", { "class": "edge" }, edgeLayer);
      var title = el("title", {}, e.line);
      title.textContent = e.s.label + " → " + e.label + " → " + e.t.label;
      if (showLabels) {
        e.text = el("text", { "class": "edge-label", "text-anchor": "middle" }, edgeLayer);
        e.text.textContent = e.label;
      }
    });
    var crowded = nodes.length > 20;
    nodes.forEach(function (n, i) {
      // In a crowded graph only the first neighbours (what the entity links to) keep a
      // visible label; the others show theirs on hover and focus.
      var quiet = crowded && i > 12 ? " quiet" : "";
      var group = el("g", { "class": "node kind-" + n.kind + (n.center ? " center" : "") + quiet },
                     nodeLayer);
      var holder = group;
      if (n.url) {
        holder = el("a", { href: n.url }, group);
        holder.setAttributeNS("http://www.w3.org/1999/xlink", "xlink:href", n.url);
      }
      el("circle", { r: n.center ? 11 : 8 }, holder);
      var text = el("text", { dx: n.center ? 15 : 12, dy: 4 }, holder);
      text.textContent = n.label;
      var title = el("title", {}, holder);
      title.textContent = n.label;
      n.group = group;
      n.holder = holder;
    });

    function render() {
      edges.forEach(function (e) {
        e.line.setAttribute("x1", e.s.x); e.line.setAttribute("y1", e.s.y);
        e.line.setAttribute("x2", e.t.x); e.line.setAttribute("y2", e.t.y);
        if (e.text) {
          e.text.setAttribute("x", (e.s.x + e.t.x) / 2);
          e.text.setAttribute("y", (e.s.y + e.t.y) / 2 - 3);
        }
      });
      nodes.forEach(function (n) {
        n.group.setAttribute("transform", "translate(" + n.x + "," + n.y + ")");
      });
    }
    render();
    // Fit the drawing, labels included, into the box once; dragging keeps that frame. A
    // drawing smaller than the box is centred at its natural size, never enlarged: a graph of
    // two or three nodes would otherwise be blown up to giant labels over its edge labels.
    try {
      var box = content.getBBox();
      var pad = 12;
      var frameWidth = Math.max(box.width + 2 * pad, width);
      var frameHeight = Math.max(box.height + 2 * pad, height);
      svg.setAttribute("viewBox", [box.x + box.width / 2 - frameWidth / 2,
                                   box.y + box.height / 2 - frameHeight / 2,
                                   frameWidth, frameHeight].join(" "));
    } catch (error) { /* not rendered (hidden): keep the default frame */ }

    var dragging = null, moved = false;
    function point(event) {
      var p = svg.createSVGPoint();
      p.x = event.clientX; p.y = event.clientY;
      return p.matrixTransform(svg.getScreenCTM().inverse());
    }
    nodes.forEach(function (n) {
      n.group.addEventListener("pointerdown", function (event) {
        dragging = n; moved = false;
        n.group.setPointerCapture(event.pointerId);
      });
      n.group.addEventListener("pointermove", function (event) {
        if (dragging !== n) { return; }
        var p = point(event);
        if (Math.abs(p.x - n.x) + Math.abs(p.y - n.y) > 2) { moved = true; }
        n.x = p.x; n.y = p.y;
        layout(nodes, edges, width, height, 3, n);
        render();
      });
      n.group.addEventListener("pointerup", function () { dragging = null; });
      n.holder.addEventListener("click", function (event) {
        if (moved) { event.preventDefault(); moved = false; }
      });
    });

    if (data.legend) {
      var legend = document.createElement("ul");
      legend.className = "graph-legend";
      Object.keys(data.legend).forEach(function (kind) {
        var item = document.createElement("li");
        var dot = document.createElement("span");
        dot.className = "dot-" + kind;
        item.className = "kind-" + kind;
        item.appendChild(dot);
        item.appendChild(document.createTextNode(data.legend[kind]));
        legend.appendChild(item);
      });
      container.insertAdjacentElement("afterend", legend);
    }
  }

  document.querySelectorAll("[data-graph-for]").forEach(function (container) {
    var source = document.getElementById(container.getAttribute("data-graph-for"));
    if (!source) { return; }
    var data;
    try { data = JSON.parse(source.textContent); } catch (error) { return; }
    if (!data.nodes || data.nodes.length < 2) {
      container.hidden = true;
      return;
    }
    draw(container, data);
  });
})();
