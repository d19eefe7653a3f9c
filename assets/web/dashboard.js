/* The dashboard's chart: messages per hour by status, drawn by uPlot from the page's JSON block
   (#chart-data; the CSP allows no inline script). Times are shown in the user's time zone, not the
   browser's. Without this script the page still has every figure, and the hour-by-hour table. */
/* global uPlot */
(function () {
  'use strict';
  var box = document.querySelector('[data-chart]');
  var source = document.getElementById('chart-data');
  if (!box || !source || typeof uPlot !== 'function') return;
  var data = JSON.parse(source.textContent);
  var colours = {
    received: '#6b3fa0',
    queued: '#4f586b',
    sent: '#0b5cad',
    delivered: '#1e6b36',
    failed: '#a4262c',
  };
  var numbers = new Intl.NumberFormat(data.locale);
  var hours = new Intl.DateTimeFormat(data.locale, {
    hour: 'numeric',
    minute: '2-digit',
    timeZone: data.timeZone,
  });
  var days = new Intl.DateTimeFormat(data.locale, {
    weekday: 'short',
    day: 'numeric',
    timeZone: data.timeZone,
  });
  var series = [{}].concat(
    data.series.map(function (s) {
      return {
        label: s.label,
        stroke: colours[s.status] || '#1d2330',
        width: 2,
        value: function (_u, v) {
          return v == null ? '—' : numbers.format(v);
        },
      };
    }),
  );
  function width() {
    return Math.max(280, box.clientWidth);
  }
  var plot = new uPlot(
    {
      width: width(),
      height: 260,
      series: series,
      scales: { x: { time: true } },
      axes: [
        {
          values: function (_u, ticks) {
            return ticks.map(function (t) {
              var d = new Date(t * 1000);
              return hours.format(d) + '\n' + days.format(d);
            });
          },
        },
        {
          values: function (_u, ticks) {
            return ticks.map(function (t) {
              return numbers.format(t);
            });
          },
        },
      ],
      tzDate: function (ts) {
        return uPlot.tzDate(new Date(ts * 1000), data.timeZone);
      },
    },
    [data.hours].concat(
      data.series.map(function (s) {
        return s.values;
      }),
    ),
    box,
  );
  box.dataset.drawn = 'true';
  window.addEventListener('resize', function () {
    plot.setSize({ width: width(), height: 260 });
  });
})();
