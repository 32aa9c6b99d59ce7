/** The report's stylesheet (inlined in the page: the file fetches nothing). */
import { COLOURS } from './report-charts';

/** The page's CSS. */
export const REPORT_CSS = `
:root{--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--paper:#ffffff;--bg:#f8fafc;--ok:#15803d;--bad:#b91c1c}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.55 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif}
main{max-width:1120px;margin:0 auto;padding:32px 24px 64px}
header h1{margin:0 0 4px;font-size:28px;letter-spacing:-.01em}
header p{margin:0;color:var(--muted)}
h2{font-size:19px;margin:40px 0 6px}
h2+p.note{margin-top:0}
p.note{color:var(--muted);margin:4px 0 12px;font-size:14px}
.banner{margin:24px 0;padding:14px 18px;border-radius:10px;border:1px solid;font-weight:600}
.banner.ok{background:#f0fdf4;border-color:#bbf7d0;color:var(--ok)}
.banner.bad{background:#fef2f2;border-color:#fecaca;color:var(--bad)}
.banner .detail{display:block;font-weight:400;color:var(--ink);margin-top:4px;font-size:14px;word-break:break-all}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:12px;margin:24px 0}
.card{background:var(--paper);border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.card b{display:block;font-size:24px;font-variant-numeric:tabular-nums}
.card span{color:var(--muted);font-size:13px}
.card.alert b{color:var(--bad)}
.panel{background:var(--paper);border:1px solid var(--line);border-radius:10px;padding:16px 18px;overflow-x:auto}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px}
.grid2 h2{margin-top:24px}
svg.chart{display:block;height:auto;font-size:12px}
svg.chart text{fill:${COLOURS.text}}
svg.chart .tick,svg.chart .empty{fill:var(--muted)}
svg.chart .value{font-weight:600;font-variant-numeric:tabular-nums}
svg.chart .grid{stroke:${COLOURS.grid};stroke-width:1}
svg.chart .axis{stroke:${COLOURS.axis};stroke-width:1}
svg.chart rect.bar:hover{opacity:.8}
.legend{display:flex;gap:16px;flex-wrap:wrap;font-size:13px;color:var(--muted);margin:8px 0 0}
.legend i{display:inline-block;width:11px;height:11px;border-radius:3px;margin-right:6px;vertical-align:-1px}
table{border-collapse:collapse;width:100%;font-size:13.5px}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em;white-space:nowrap}
tbody tr:hover{background:#f1f5f9}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
.actor{display:inline-block;margin:0 8px 2px 0;white-space:nowrap}
.pill{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;background:#eef2ff;color:#3730a3}
.pill.provincial{background:#f0fdfa;color:#115e59}
.pill.governance{background:#f5f3ff;color:#5b21b6}
.pill.bad{background:#fef2f2;color:var(--bad)}
footer{margin-top:48px;color:var(--muted);font-size:13px}
@media print{body{background:#fff}.panel,.card{break-inside:avoid}}
`;
