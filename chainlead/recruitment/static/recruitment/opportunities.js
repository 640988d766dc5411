/* Every industry as a dot: density (relatedness to what the region does) against opportunity
 * gain (opportunities.html; cells in #cells-data, translated labels in #scatter's data-label-*). */
(function () {
  const el = document.getElementById('scatter');
  const source = document.getElementById('cells-data');
  if (!el || !source || !window.echarts) { return; }
  const cells = JSON.parse(source.textContent);
  const drawable = cells.filter(c => c.density !== null && c.cog !== null);
  if (!drawable.length) { el.hidden = true; document.getElementById('scatter-empty').hidden = false; return; }
  const label = el.dataset;
  const chart = echarts.init(el);
  const mk = (spec) => cells.filter(c => c.mcp === spec && c.density !== null && c.cog !== null)
    .map(c => ({value: [c.density, c.cog], name: c.industry + ' ' + c.name}));
  chart.setOption({
    grid: {left: 60, right: 30, top: 30, bottom: 50},
    tooltip: {formatter: p => p.name + '<br>density ' + p.value[0].toFixed(3) + ' · gain ' + p.value[1].toFixed(3)},
    legend: {data: [label.labelSpecialised, label.labelNotYet]},
    xAxis: {name: label.labelDensity, nameLocation: 'middle', nameGap: 28, min: 0},
    yAxis: {name: label.labelGain, nameLocation: 'middle', nameGap: 45},
    series: [
      {name: label.labelSpecialised, type: 'scatter', data: mk(1), itemStyle: {color: '#1d4ed8'}, symbolSize: 9},
      {name: label.labelNotYet, type: 'scatter', data: mk(0), itemStyle: {color: '#f59e0b'}, symbolSize: 9},
    ],
  });
  window.addEventListener('resize', () => chart.resize());
})();
