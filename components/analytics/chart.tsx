"use client";
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";
import { useEffect, useRef } from "react";

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  Legend,
);
Chart.defaults.color = "#a1a1aa";
Chart.defaults.borderColor = "rgba(63, 63, 70, 0.5)";
Chart.defaults.font.family = "ui-sans-serif, system-ui, sans-serif";

/**
 * A Chart.js chart on a canvas, redrawn when `config` changes. `label` names it for screen readers, and
 * `summary` (the numbers in words) is the canvas's fallback content.
 */
export function ChartCanvas({
  config,
  label,
  summary,
  height = 220,
}: {
  config: ChartConfiguration;
  label: string;
  summary: string;
  height?: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      ...config,
      options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options },
    });
    return () => chart.destroy();
  }, [config]);
  return (
    <div style={{ height }} className="relative">
      <canvas ref={canvas} role="img" aria-label={label} data-chart={label}>
        {summary}
      </canvas>
    </div>
  );
}
