import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Runs ended per minute (bars of the sum over all queues) and the wait p95 (line), the last hour, in local time. */
export default function QueueChart({ history }) {
  const host = useRef(null);
  const plot = useRef(null);
  const all = history.series.find((series) => series.queue === 'all') || { points: [] };
  const data = [
    all.points.map((point) => new Date(point.at).getTime() / 1000),
    all.points.map((point) => point.ended),
    all.points.map((point) => point.failed),
    all.points.map((point) => (point.waitP95Ms === null ? null : point.waitP95Ms / 1000)),
  ];
  useEffect(() => {
    const width = () => Math.max(280, host.current.clientWidth);
    const styles = getComputedStyle(document.documentElement);
    const color = (name, fallback) => styles.getPropertyValue(name).trim() || fallback;
    plot.current = new uPlot({
      width: width(),
      height: 220,
      scales: { x: { time: true }, runs: { auto: true, range: (u, min, max) => [0, Math.max(1, max)] }, wait: { auto: true } },
      axes: [
        { stroke: color('--muted', '#666') },
        { scale: 'runs', label: 'runs / min', stroke: color('--muted', '#666') },
        { scale: 'wait', side: 1, label: 'wait p95 (s)', grid: { show: false }, stroke: color('--muted', '#666') },
      ],
      series: [
        {},
        { label: 'Ended', scale: 'runs', points: { show: false }, stroke: color('--accent', '#245ac4'), fill: color('--accent-fill', 'rgba(36,90,196,.15)'), width: 2 },
        { label: 'Failed', scale: 'runs', points: { show: false }, stroke: color('--bad', '#c0392b'), width: 2 },
        { label: 'Wait p95 (s)', scale: 'wait', points: { show: false }, stroke: color('--warn', '#b7791f'), width: 2, dash: [6, 4], spanGaps: false },
      ],
    }, data, host.current);
    const resize = () => plot.current.setSize({ width: width(), height: 220 });
    addEventListener('resize', resize);
    return () => { removeEventListener('resize', resize); plot.current.destroy(); };
  }, []);
  useEffect(() => { if (plot.current) plot.current.setData(data); }, [history]);
  const total = all.points.reduce((sum, point) => sum + point.ended, 0);
  return (
    <figure class="chart">
      <div ref={host} role="img" aria-label={`Chart: ${total} runs ended in the last hour`} />
      <figcaption class="muted small">Per minute, all queues; times in your time zone. {total} runs ended in the last hour.</figcaption>
    </figure>
  );
}
