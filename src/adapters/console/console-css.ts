/**
 * The console's only stylesheet, served by the service itself at /console/assets/console.css (no fonts, scripts or
 * styles from anywhere else, so the console works on an intranet). Kept in a module rather than a .css file so that
 * the TypeScript build carries it into dist/ with no copy step.
 */
export const CONSOLE_CSS = `:root {
  --ink: #1f2933;
  --muted: #616e7c;
  --line: #d9e2ec;
  --bg: #f5f7fa;
  --card: #ffffff;
  --accent: #07c160;
  --accent-dark: #05944a;
  --warn: #c27c0e;
  --bad: #d64545;
  font-family: -apple-system, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Segoe UI', Roboto, sans-serif;
  font-size: 14px;
  color: var(--ink);
  background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: #0b69a3; text-decoration: none; }
a:hover { text-decoration: underline; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 16px; padding: 8px 24px; min-height: 52px; background: #1f2933; color: #fff; }
header.top .brand { font-weight: 600; margin-right: 12px; white-space: nowrap; }
/* The links keep one row while there is room and wrap onto rows of their own below the brand when there is not
   (a phone): never squeezed into a column, never pushed off the screen. */
header.top nav { display: flex; gap: 4px; flex: 1 1 auto; flex-wrap: wrap; min-width: min(100%, 32rem); }
header.top nav a { color: #cbd2d9; padding: 6px 10px; border-radius: 4px; white-space: nowrap; }
header.top nav a.current, header.top nav a:hover { background: #323f4b; color: #fff; text-decoration: none; }
header.top .who { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; color: #cbd2d9; margin-left: auto; }
header.top .who a { color: #cbd2d9; }
header.top form { margin: 0; }
header.top button.link { background: none; border: 0; color: #cbd2d9; padding: 0; font: inherit; cursor: pointer; }
.sandbox-banner { background: #fff3c4; color: #8d5b00; border-bottom: 1px solid #f0c36d; padding: 6px 24px; font-weight: 600; }
main { padding: 20px 24px 48px; max-width: 1280px; margin: 0 auto; }
h1 { font-size: 20px; margin: 4px 0 16px; overflow-wrap: anywhere; }
h2 { font-size: 16px; margin: 24px 0 10px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 16px; margin-bottom: 16px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 12px; margin-bottom: 16px; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; }
.tile .label { color: var(--muted); font-size: 12px; }
.tile .value { font-size: 22px; font-weight: 600; margin-top: 4px; font-variant-numeric: tabular-nums; }
.tile .sub { color: var(--muted); font-size: 12px; margin-top: 2px; }
.tile.alert .value { color: var(--bad); }
a.tile { color: inherit; }
a.tile:hover { text-decoration: none; border-color: #9aa5b1; }
.card > h2:first-child { margin-top: 0; }
table { width: 100%; border-collapse: collapse; background: var(--card); }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; background: #f0f4f8; }
td.time { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.mono, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
.badge { display: inline-block; white-space: nowrap; padding: 1px 8px; border-radius: 10px; font-size: 12px; background: #e4e7eb; }
.badge.SUCC, .badge.ok { background: #e3f9e5; color: #05944a; }
.badge.CHECKED { background: #fff3c4; color: #8d5b00; }
.badge.FAILED, .badge.bad { background: #ffe3e3; color: #a61b1b; }
.badge.REFUND { background: #e6f6ff; color: #0b69a3; }
.badge.warn { background: #fff3c4; color: #8d5b00; }
form.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; }
form.filters label, form.stack label { display: flex; flex-direction: column; gap: 4px; font-size: 12px; color: var(--muted); }
form.stack { display: grid; gap: 10px; max-width: 480px; }
form.inline { display: inline-flex; gap: 6px; align-items: center; margin: 0; }
form.inline.shops { flex-wrap: wrap; }
label.check { display: inline-flex; gap: 4px; align-items: center; white-space: nowrap; }
input, select, textarea { font: inherit; padding: 6px 8px; border: 1px solid #bcccdc; border-radius: 4px; background: #fff; color: var(--ink); }
input[type='number'], input.short { width: 110px; }
textarea { min-height: 60px; }
button { font: inherit; padding: 6px 14px; border-radius: 4px; border: 1px solid var(--accent-dark); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--ink); border-color: #bcccdc; }
button.danger { background: var(--bad); border-color: #a61b1b; }
.flash { padding: 10px 14px; border-radius: 4px; margin-bottom: 16px; }
.flash.done { background: #e3f9e5; color: #05944a; border: 1px solid #a8eeb4; }
.flash.error { background: #ffe3e3; color: #a61b1b; border: 1px solid #ffbdbd; }
.muted { color: var(--muted); }
.pager { display: flex; gap: 12px; margin-top: 12px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
/* A grid cell may shrink below its widest table: the table scrolls inside it (below) instead of widening the page. */
.grid2 > * { min-width: 0; }
@media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
input, select, textarea { max-width: 100%; }
/* A phone: narrower margins, and a table wider than the screen scrolls sideways inside its own box, not the page. */
@media (max-width: 760px) {
  header.top { padding: 8px 12px; gap: 4px 12px; }
  header.top nav a { padding: 6px 8px; }
  .sandbox-banner { background: #fff3c4; color: #8d5b00; border-bottom: 1px solid #f0c36d; padding: 6px 24px; font-weight: 600; }
main { padding: 12px 12px 40px; }
  main table { display: block; overflow-x: auto; -webkit-overflow-scrolling: touch; }
  /* Cells keep their lines (a squeezed table would stack a word per line); long codes still wrap, at a readable width. */
  main th, main td { white-space: nowrap; }
  main td.mono, main td div.mono { white-space: normal; min-width: 18em; }
  .login { margin: 32px auto; }
}
.login { max-width: 360px; margin: 80px auto; }
.login h1 { text-align: center; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart .bar { fill: var(--accent); }
svg.chart .bar.today { fill: var(--accent-dark); }
svg.chart .axis { stroke: #9aa5b1; stroke-width: 1; }
svg.chart text { fill: var(--muted); font-size: 11px; }
`;
