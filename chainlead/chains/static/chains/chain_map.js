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
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var selectedId = null;
    var t = data.text;

    function series() {
      return [{
        type: "graph",
        layout: "none",
        roam: false,
        left: 70, right: 70, top: 40, bottom: 40,
        symbol: "roundRect",
        symbolSize: [124, 54],
        edgeSymbol: ["none", "arrow"],
        edgeSymbolSize: [0, 9],
        lineStyle: { color: "#94a3b8", width: 2, curveness: 0, opacity: 1 },
        emphasis: { focus: "none", scale: false, lineStyle: { width: 2 } },
        data: data.nodes.map(function (n) {
          var p = PALETTE[n.status] || PALETTE.missing;
          return {
            id: n.id, name: n.name, x: n.x, y: n.y, value: n.firms, raw: n,
            itemStyle: nodeStyle(n, n.id === selectedId),
            label: {
              show: true,
              formatter: "{name|" + n.name + "}\n{count|" + n.count + "}",
              width: 116,
              overflow: "truncate",
              rich: {
                name: { fontSize: 13, fontWeight: 600, color: "#1f2933", fontFamily: FONT, lineHeight: 19 },
                count: { fontSize: 12, color: p.text, fontFamily: FONT, lineHeight: 17 }
              }
            }
          };
        }),
        links: data.edges
      }];
    }

    chart.setOption({
      animation: false,
      textStyle: { fontFamily: FONT },
      tooltip: {
        trigger: "item",
        confine: true,
        formatter: function (params) {
          if (params.dataType !== "node") { return ""; }
          var n = params.data.raw;
          var rev = n.revenue === null ? t.unknown : n.revenue.toLocaleString();
          var lines = [
            "<strong>" + escapeHtml(n.name) + "</strong> · " + escapeHtml(n.statusLabel),
            escapeHtml(n.count) + " (" + t.local + " " + n.local + " / " + t.attracted + " " + n.attracted + ")",
            escapeHtml(t.revenue) + ": " + escapeHtml(rev)
          ];
          if (n.pending) { lines.push(escapeHtml(t.pending) + ": " + n.pending); }
          lines.push('<span style="color:#616e7c">' + escapeHtml(t.hint) + "</span>");
          return lines.join("<br>");
        }
      },
      series: series()
    });

    chart.on("click", function (params) {
      if (params.dataType !== "node") { return; }
      selectedId = params.data.id;
      chart.setOption({ series: series() });
      var row = document.querySelector('tr.segment-row[data-firms][hx-get="' + params.data.raw.url + '"]');
      loadSegment(params.data.raw.url, row ? row.dataset.segment : null);
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.ready = "1";
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
