/* The chain map: segments drawn upstream → downstream with ECharts (served locally, no CDN).
 * Node colour = segment status (the palette of chainlead.css); a click loads the segment's firms
 * into #segment-panel with htmx, as a click on a row of the segment table does. */
(function () {
  "use strict";

  var PALETTE = {
    ok: { line: "#15803d", fill: "#dcfce7", text: "#14532d" },
    weak: { line: "#b45309", fill: "#fef3c7", text: "#78350f" },
    missing: { line: "#b91c1c", fill: "#fee2e2", text: "#7f1d1d" }
  };
  var FONT = '"Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", system-ui, sans-serif';

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // Rich-text markup must not appear in a label's text.
  function richSafe(text) {
    return String(text).replace(/[{}|]/g, " ");
  }

  // At most two lines that fit a node: CJK names break in the middle, others between words.
  function wrapName(name) {
    name = richSafe(name);
    var cjk = /[\u3400-\u9fff]/.test(name);
    var limit = cjk ? 8 : 17;
    if (name.length <= limit) { return [name]; }
    var lines;
    if (cjk || name.indexOf(" ") < 0) {
      var half = Math.ceil(name.length / 2);
      lines = [name.slice(0, half), name.slice(half)];
    } else {
      lines = [""];
      name.split(" ").forEach(function (word) {
        var last = lines[lines.length - 1];
        if (last && (last + " " + word).length > limit) {
          lines.push(word);
        } else {
          lines[lines.length - 1] = last ? last + " " + word : word;
        }
      });
    }
    if (lines.length > 2) { lines = [lines[0], lines.slice(1).join(" ")]; }
    return lines.map(function (line) {
      return line.length > limit + 2 ? line.slice(0, limit) + "…" : line;
    });
  }

  function loadSegment(url, slug) {
    var panel = document.getElementById("segment-panel");
    if (!panel || !window.htmx) {
      window.location.href = url;
      return;
    }
    window.htmx.ajax("GET", url, { target: "#segment-panel", swap: "innerHTML" });
    markSelected(slug);
  }

  function markSelected(slug) {
    document.querySelectorAll("tr.segment-row").forEach(function (row) {
      row.classList.toggle("selected", row.dataset.segment === slug);
    });
  }

  function nodeStyle(node, selected) {
    var p = PALETTE[node.status] || PALETTE.missing;
    return {
      color: p.fill,
      borderColor: p.line,
      borderWidth: selected ? 3.5 : 2,
      borderType: node.status === "missing" ? "dashed" : "solid",
      shadowBlur: selected ? 10 : 0,
      shadowColor: "rgba(15, 23, 42, .25)"
    };
  }

  function draw(el) {
    var data = JSON.parse(document.getElementById(el.dataset.graph).textContent);
    el.style.height = (parseInt(el.dataset.height, 10) || 220) + "px";  // CSSOM: CSP allows it
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var selectedId = null;
    var t = data.text;

    // Nodes are placed in pixels: column → x across the width, stacked rows → y around the
    // middle. Two invisible corner anchors make ECharts' view box equal to the container, so
    // its "fit the data" scaling is the identity and node sizes stay as given. Where the
    // columns do not fit side by side (a phone), the segments stack top to bottom in chain
    // order, upstream first, and the container grows to hold them: nodes never overlap.
    var NODE_W = 128, NODE_H = 62, MARGIN_X = 76, GAP_X = 10, GAP_Y = 28, MARGIN_Y = 16;
    var baseHeight = parseInt(el.dataset.height, 10) || 220;

    function maxCol() {
      return data.nodes.reduce(function (m, n) { return Math.max(m, n.col); }, 0);
    }

    function isStacked() {
      var cols = maxCol();
      return cols > 0 && (el.clientWidth - 2 * MARGIN_X) / cols < NODE_W + GAP_X;
    }

    function order() {
      return data.nodes.map(function (n, i) { return i; }).sort(function (a, b) {
        var na = data.nodes[a], nb = data.nodes[b];
        return na.col - nb.col || na.row - nb.row;
      });
    }

    function fitHeight() {
      var height = isStacked()
        ? 2 * MARGIN_Y + data.nodes.length * NODE_H + (data.nodes.length - 1) * GAP_Y
        : baseHeight;
      if (el.clientHeight !== height) {
        el.style.height = height + "px";
        chart.resize();
      }
    }

    function positions() {
      var w = el.clientWidth, h = el.clientHeight;
      var result = new Array(data.nodes.length);
      if (isStacked()) {
        order().forEach(function (index, k) {
          result[index] = { x: w / 2, y: MARGIN_Y + NODE_H / 2 + k * (NODE_H + GAP_Y) };
        });
        return result;
      }
      var cols = maxCol();
      var step = cols > 0 ? (w - 2 * MARGIN_X) / cols : 0;
      return data.nodes.map(function (n) {
        return {
          x: cols > 0 ? MARGIN_X + n.col * step : w / 2,
          y: h / 2 + n.row * (NODE_H + 18)
        };
      });
    }

    function series() {
      var pos = positions();
      var nodes = data.nodes.map(function (n, i) {
        var p = PALETTE[n.status] || PALETTE.missing;
        return {
          id: n.id, name: n.name, x: pos[i].x, y: pos[i].y, value: n.firms, raw: n,
          itemStyle: nodeStyle(n, n.id === selectedId),
          label: {
            show: true,
            position: "inside",
            align: "center",
            formatter: wrapName(n.name).map(function (line) {
              return "{name|" + line + "}";
            }).join("\n") + "\n{count|" + richSafe(n.count) + "}",
            rich: {
              name: { fontSize: 13, fontWeight: 600, color: "#1f2933", fontFamily: FONT, lineHeight: 17, align: "center" },
              count: { fontSize: 12, color: p.text, fontFamily: FONT, lineHeight: 18, align: "center" }
            }
          }
        };
      });
      var anchor = { symbolSize: 0, label: { show: false }, tooltip: { show: false }, silent: true, itemStyle: { opacity: 0 } };
      nodes.push(Object.assign({ id: "_a0", name: "_a0", x: 0, y: 0 }, anchor));
      nodes.push(Object.assign({ id: "_a1", name: "_a1", x: el.clientWidth, y: el.clientHeight }, anchor));
      // Edges join invisible ports on the nodes' borders, so that the arrowheads show.
      var index = {};
      data.nodes.forEach(function (n, i) { index[n.id] = i; });
      var links = data.edges.map(function (e, k) {
        var a = pos[index[e.source]], b = pos[index[e.target]];
        var forward = b.x > a.x + 1;
        var from = forward ? { x: a.x + NODE_W / 2, y: a.y } : { x: a.x, y: a.y + NODE_H / 2 };
        var to = forward ? { x: b.x - NODE_W / 2 - 1, y: b.y } : { x: b.x, y: b.y - NODE_H / 2 - 1 };
        nodes.push(Object.assign({ id: "_s" + k, name: "_s" + k }, from, anchor));
        nodes.push(Object.assign({ id: "_t" + k, name: "_t" + k }, to, anchor));
        // An edge that passes other stacked nodes bends around them.
        var skips = !forward && b.y - a.y > NODE_H + GAP_Y + 1;
        return { source: "_s" + k, target: "_t" + k, lineStyle: { curveness: skips ? 0.35 : 0 } };
      });
      return [{
        type: "graph",
        layout: "none",
        roam: false,
        left: 0, right: 0, top: 0, bottom: 0,
        symbol: "roundRect",
        symbolSize: [NODE_W, NODE_H],
        edgeSymbol: ["none", "arrow"],
        edgeSymbolSize: [0, 10],
        lineStyle: { color: "#94a3b8", width: 2, curveness: 0, opacity: 1 },
        emphasis: { focus: "none", scale: false, lineStyle: { width: 2 } },
        data: nodes,
        links: links
      }];
    }

    fitHeight();
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: FONT },
      tooltip: {
        trigger: "item",
        confine: true,
        formatter: function (params) {
          if (params.dataType !== "node" || !params.data.raw) { return ""; }
          var n = params.data.raw;
          var rev = n.revenue === null ? t.unknown : n.revenue.toLocaleString();
          var lines = [
            "<strong>" + escapeHtml(n.name) + "</strong> · " + escapeHtml(n.statusLabel),
            escapeHtml(n.count) + " (" + t.local + " " + n.local + " / " + t.attracted + " " + n.attracted + ")",
            escapeHtml(t.revenue) + ": " + escapeHtml(rev)
          ];
          if (n.pending) { lines.push(escapeHtml(t.pending) + ": " + n.pending); }
          lines.push('<span class="chart-hint">' + escapeHtml(t.hint) + "</span>");
          return lines.join("<br>");
        }
      },
      series: series()
    });

    chart.on("click", function (params) {
      if (params.dataType !== "node" || !params.data.raw) { return; }
      selectedId = params.data.id;
      chart.setOption({ series: series() });
      loadSegment(params.data.raw.url, params.data.raw.slug);
    });
    // A row of the table (or a link in the panel) selected another segment: follow it.
    document.body.addEventListener("htmx:afterSwap", function (evt) {
      var box = evt.detail.target && evt.detail.target.querySelector
        ? evt.detail.target.querySelector(".segment-firms") : null;
      if (!box) { return; }
      var node = data.nodes.filter(function (n) { return n.slug === box.dataset.segment; })[0];
      if (node && node.id !== selectedId) {
        selectedId = node.id;
        chart.setOption({ series: series() });
      }
    });
    window.addEventListener("resize", function () {
      chart.resize();
      fitHeight();
      chart.setOption({ series: series() });
    });
    el.dataset.ready = "1";
    el.dataset.layout = isStacked() ? "stacked" : "columns";
    return chart;
  }

  function init() {
    var el = document.getElementById("chain-graph");
    if (el && window.echarts) { draw(el); }
    document.body.addEventListener("htmx:afterSwap", function (evt) {
      if (evt.detail.target && evt.detail.target.id === "segment-panel") {
        var box = evt.detail.target.querySelector(".segment-firms");
        if (box) { markSelected(box.dataset.segment); }
        evt.detail.target.scrollIntoView({ behavior: "smooth", block: "start" });
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
