"""The page's inline style sheet and script (no network, no CDN, no external file).

Colours keep a contrast of at least 4.5:1 against their backgrounds (WCAG AA). The script
is progressive: without it the page and the graph are complete; with it the graph pans,
zooms and filters by dataset, by mouse and by keyboard.
"""

from __future__ import annotations

CSS = """
:root{--fg:#1a1a1a;--muted:#4a4a4a;--line:#c8c8c8;--bg:#fff;--band:#f3f5f8;
--err:#a40000;--warn:#7a4a00;--info:#1d4f91;--ok:#1d6b2f;--link:#0b57a4}
*{box-sizing:border-box}
html{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
color:var(--fg);background:var(--bg)}
body{margin:0}
a{color:var(--link)}
a:focus-visible,button:focus-visible,input:focus-visible,.graph-frame:focus-visible,
svg a:focus-visible rect{outline:3px solid #f0a500;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5em;z-index:9}
.skip:focus{left:.5em}
header.top{background:#17324d;color:#fff;padding:1em 1.5em}
header.top h1{margin:0 0 .3em;font-size:1.6em}
header.top p{margin:.15em 0;color:#e6edf5}
header.top code{color:#fff}
nav.toc{background:var(--band);border-bottom:1px solid var(--line);padding:.5em 1.5em}
nav.toc ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.3em 1.4em}
main{padding:0 1.5em 2em;max-width:1400px}
h2{border-bottom:2px solid #17324d;padding-bottom:.2em;margin-top:1.6em}
h3{margin:1.2em 0 .4em}
h4{margin:1em 0 .3em}
table{border-collapse:collapse;margin:.4em 0 1em;font-size:.93em}
th,td{border:1px solid var(--line);padding:.25em .55em;text-align:left;vertical-align:top}
th{background:var(--band)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;flex-wrap:wrap;gap:.8em;margin:.6em 0 1em;padding:0;list-style:none}
.cards li{border:1px solid var(--line);border-radius:6px;padding:.5em .9em;min-width:9em;
background:var(--band)}
.cards .v{display:block;font-size:1.6em;font-weight:650}
.badge.sev-error,.err{color:var(--err)}
.badge.sev-warning,.warn{color:var(--warn)}
.badge.sev-info,.inf{color:var(--info)}
.ok{color:var(--ok)}
.badge{display:inline-block;border:1px solid currentColor;border-radius:3px;padding:0 .35em;
font-size:.85em;font-weight:600}
code.pin{word-break:break-all}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
ul.findings{list-style:none;padding:0;margin:.3em 0 1em}
ul.findings li{border-left:4px solid var(--line);padding:.3em .7em;margin:.3em 0;
background:#fafafa}
ul.findings li.sev-error{border-left-color:var(--err)}
ul.findings li.sev-warning{border-left-color:var(--warn)}
ul.findings li.sev-info{border-left-color:var(--info)}
ul.findings li.waived{opacity:1;background:#f1f1f1}
ul.findings .msg{color:var(--fg)}
ul.findings .hint{color:var(--muted);display:block}
td.locs{font-size:.9em}
td.locs a{white-space:nowrap;margin-right:.6em}
section.reg{content-visibility:auto;contain-intrinsic-size:auto 300px}
section.dataset,section.pipeline{border-top:1px solid var(--line);padding-top:.3em;
content-visibility:auto;contain-intrinsic-size:auto 600px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em;margin:.4em 0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
.graph-controls{display:flex;flex-wrap:wrap;gap:.5em;align-items:center;margin:.5em 0}
.graph-controls button{font:inherit;padding:.2em .7em;border:1px solid #555;border-radius:4px;
background:#fff;color:var(--fg);cursor:pointer}
.graph-controls input{font:inherit;padding:.2em .4em;min-width:18em}
.graph-frame{border:1px solid var(--line);height:70vh;min-height:320px;overflow:hidden;
position:relative;background:#fcfcfc;touch-action:none}
.graph-frame svg{width:100%;height:100%;display:block;cursor:grab}
#graph-svg text{font:12px system-ui,sans-serif;fill:#111}
#graph-svg text.sub{fill:#333;font-size:11px}
#graph-svg rect{stroke-width:1.5}
#graph-svg .real rect{fill:#e8f1fb;stroke:#4a78b5}
#graph-svg .synthetic rect{fill:#fff1d6;stroke:#b37400;stroke-dasharray:6 3}
#graph-svg .missing rect{fill:#f4f4f4;stroke:#777;stroke-dasharray:2 2}
#graph-svg .model rect{fill:#eef7ee;stroke:#4d8f4d}
#graph-svg .stage rect{fill:#fff;stroke:#777}
#graph-svg .pipeline rect{fill:#eceff3;stroke:#555}
#graph-svg .sev-warning rect{stroke:#b36b00;stroke-width:3}
#graph-svg .sev-error rect{stroke:#b00000;stroke-width:3}
#graph-svg .violation rect{fill:#ffe0e0;stroke:#b00000;stroke-width:3.5}
#graph-svg path.e{fill:none;stroke:#777;stroke-width:1.2;marker-end:url(#arrow)}
#graph-svg path.e.member{stroke-dasharray:3 3;stroke:#999}
#graph-svg path.e.hot{stroke:#b00000;stroke-width:3;marker-end:url(#arrow-hot)}
#graph-svg .dim{opacity:.12}
.legend{display:flex;flex-wrap:wrap;gap:.3em 1.2em;padding:0;list-style:none;font-size:.9em}
.legend span{display:inline-block;width:1.2em;height:.9em;border:2px solid;vertical-align:middle;
margin-right:.3em;border-radius:3px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
footer{border-top:1px solid var(--line);padding:1em 1.5em;color:var(--muted);font-size:.9em}
@media print{
 nav.toc,.graph-controls,.skip{display:none}
 .graph-frame{height:auto;overflow:visible;border:0}
 .graph-frame svg{height:auto;max-height:24cm}
 section.dataset,section.pipeline{break-before:page;content-visibility:visible}
 section.reg{content-visibility:visible}
 section.print-break{break-before:page}
 header.top{background:none;color:#000;border-bottom:2px solid #000}
 header.top p,header.top code{color:#000}
 a{color:#000}
 ul.findings li{break-inside:avoid}
}
"""

# The script: pan and zoom by viewBox, a filter that keeps one dataset's lineage (everything
# upstream and downstream of it), and keyboard control of the graph frame. Plain ES2017,
# no library; it reads only the page.
JS = """
(function(){'use strict';
var frame=document.getElementById('graph-frame');
var svg=document.getElementById('graph-svg');
if(!frame||!svg||!svg.viewBox||!svg.viewBox.baseVal)return;
var full=svg.viewBox.baseVal,F={x:full.x,y:full.y,w:full.width,h:full.height};
var vb={x:F.x,y:F.y,w:F.w,h:F.h};
var status=document.getElementById('graph-status');
function apply(){svg.setAttribute('viewBox',vb.x+' '+vb.y+' '+vb.w+' '+vb.h);}
function fit(b){var r=frame.getBoundingClientRect(),ar=(r.width||800)/(r.height||500);
var w=Math.max(b.w,200),h=Math.max(b.h,120);if(w/h<ar){w=h*ar;}else{h=w/ar;}
vb={x:b.x+b.w/2-w/2,y:b.y+b.h/2-h/2,w:w,h:h};apply();}
function zoom(f,cx,cy){if(cx===undefined){cx=vb.x+vb.w/2;cy=vb.y+vb.h/2;}
var w=Math.min(Math.max(vb.w*f,60),F.w*4),k=w/vb.w;
vb={x:cx-(cx-vb.x)*k,y:cy-(cy-vb.y)*k,w:w,h:vb.h*k};apply();}
function pan(dx,dy){vb.x+=dx*vb.w;vb.y+=dy*vb.h;apply();}
function toSvg(e){var r=svg.getBoundingClientRect();
return{x:vb.x+(e.clientX-r.left)/r.width*vb.w,y:vb.y+(e.clientY-r.top)/r.height*vb.h};}
var drag=null;
svg.addEventListener('pointerdown',function(e){if(e.button!==0)return;
if(e.target.closest&&e.target.closest('a'))return;
drag={x:e.clientX,y:e.clientY,vx:vb.x,vy:vb.y};svg.setPointerCapture(e.pointerId);});
svg.addEventListener('pointermove',function(e){if(!drag)return;var r=svg.getBoundingClientRect();
vb.x=drag.vx-(e.clientX-drag.x)/r.width*vb.w;vb.y=drag.vy-(e.clientY-drag.y)/r.height*vb.h;apply();});
svg.addEventListener('pointerup',function(){drag=null;});
svg.addEventListener('wheel',function(e){e.preventDefault();var p=toSvg(e);
zoom(e.deltaY>0?1.2:1/1.2,p.x,p.y);},{passive:false});
frame.addEventListener('keydown',function(e){var k=e.key,done=true;
if(k==='ArrowLeft')pan(-0.1,0);else if(k==='ArrowRight')pan(0.1,0);
else if(k==='ArrowUp')pan(0,-0.1);else if(k==='ArrowDown')pan(0,0.1);
else if(k==='+'||k==='=')zoom(1/1.25);else if(k==='-'||k==='_')zoom(1.25);
else if(k==='0')fit(current);else done=false;if(done)e.preventDefault();});
svg.addEventListener('focusin',function(e){var a=e.target.closest&&e.target.closest('a');
if(!a)return;var r=a.querySelector('rect');if(!r)return;
var x=+r.getAttribute('x'),y=+r.getAttribute('y');
if(x<vb.x||y<vb.y||x+200>vb.x+vb.w||y+46>vb.y+vb.h){vb.x=x+100-vb.w/2;vb.y=y+23-vb.h/2;apply();}});
function btn(id,f){var b=document.getElementById(id);if(b)b.addEventListener('click',f);}
btn('zoom-in',function(){zoom(1/1.25);});btn('zoom-out',function(){zoom(1.25);});
btn('zoom-fit',function(){fit(current);});
var current=F,adj=null,nodes=null;
function graph(){if(adj)return;adj={};nodes={};
svg.querySelectorAll('[data-k]').forEach(function(n){nodes[n.getAttribute('data-k')]=n;});
svg.querySelectorAll('path[data-s]').forEach(function(p){var s=p.getAttribute('data-s'),
t=p.getAttribute('data-t');(adj[s]=adj[s]||{o:[],i:[]}).o.push(t);(adj[t]=adj[t]||{o:[],i:[]}).i.push(s);});}
function reach(start,dir){var seen={},todo=[start];seen[start]=1;while(todo.length){
var n=todo.pop(),a=adj[n];if(!a)continue;
a[dir].forEach(function(m){if(!seen[m]){seen[m]=1;todo.push(m);}});}
return seen;}
var input=document.getElementById('graph-filter');var keys={};
var data=document.getElementById('graph-datasets');
if(data){try{keys=JSON.parse(data.textContent);}catch(err){keys={};}}
function clear(){svg.querySelectorAll('.dim').forEach(function(n){n.classList.remove('dim');});
current=F;fit(F);if(status)status.textContent='Showing the whole graph.';}
function filter(){var id=input.value.trim();if(!id){clear();return;}var k=keys[id];
if(!k){if(status)status.textContent='No dataset '+id+' in the graph.';return;}graph();
var keep=reach(k,'o'),up=reach(k,'i');Object.keys(up).forEach(function(n){keep[n]=1;});
var x0=1e12,y0=1e12,x1=-1e12,y1=-1e12,count=0;
Object.keys(nodes).forEach(function(n){var el=nodes[n];
if(keep[n]){el.classList.remove('dim');count++;
var r=el.querySelector('rect');var x=+r.getAttribute('x'),y=+r.getAttribute('y');
x0=Math.min(x0,x);y0=Math.min(y0,y);x1=Math.max(x1,x+200);y1=Math.max(y1,y+46);}
else el.classList.add('dim');});
svg.querySelectorAll('path[data-s]').forEach(function(p){
p.classList.toggle('dim',!(keep[p.getAttribute('data-s')]&&keep[p.getAttribute('data-t')]));});
current={x:x0-20,y:y0-20,w:x1-x0+40,h:y1-y0+40};fit(current);
if(status)status.textContent='Showing '+count+' nodes in the lineage of '+id+'.';}
if(input){input.addEventListener('change',filter);
input.addEventListener('keydown',function(e){if(e.key==='Enter'){e.preventDefault();filter();}});}
btn('graph-filter-apply',filter);
btn('graph-filter-clear',function(){if(input)input.value='';clear();});
fit(F);
})();
"""
