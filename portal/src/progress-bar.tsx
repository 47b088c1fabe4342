/** A labelled progress bar with its percentage written out. */
export function ProgressBar({ label, value, max }: { label: string; value: number; max: number }) {
  const percent = max > 0 ? Math.min(100, Math.round((value / max) * 100)) : 0;
  return (
    <div class="progress">
      <progress value={percent} max={100} aria-label={label} />
      <span>
        {label} {percent}%
      </span>
    </div>
  );
}
