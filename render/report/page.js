(function(){
"use strict";
function $(id){return document.getElementById(id);}
function openTo(id){var el=id&&document.getElementById(id);for(var p=el;p;p=p.parentElement){if(p.tagName==="DETAILS"){p.open=true;}}if(el){el.scrollIntoView();}}
var tq=$("tl-q"),ta=$("tl-all"),rows=$("tl-rows"),tn=$("tl-n");
function filterTimeline(){
  var q=tq.value.trim().toLowerCase(),all=ta.checked,n=0,list=rows.children;
  rows.classList.toggle("show-all",all||q!=="");
  for(var i=0;i<list.length;i++){var hit=q===""||list[i].firstChild.textContent.toLowerCase().indexOf(q)>=0;list[i].classList.toggle("hide",!hit);if(hit&&(all||q!==""||!list[i].classList.contains("more"))){n++;}}
  tn.textContent=n+" of "+list.length+" rows shown";
}
tq.addEventListener("input",filterTimeline);ta.addEventListener("change",filterTimeline);
var ek=$("ev-kind"),eq=$("ev-q"),en=$("ev-n"),trs=$("ev-table").tBodies[0].rows;
function filterEvents(){
  var k=ek.value,q=eq.value.trim().toLowerCase(),n=0;
  for(var i=0;i<trs.length;i++){var r=trs[i];var hit=(k===""||r.getAttribute("data-kind")===k)&&(q===""||r.getAttribute("data-pid")===q||r.getAttribute("data-comm").toLowerCase().indexOf(q)>=0);r.classList.toggle("hide",!hit);if(hit){n++;}}
  en.textContent=n+" of "+trs.length+" events shown";
}
ek.addEventListener("change",filterEvents);eq.addEventListener("input",filterEvents);
document.querySelectorAll("a[data-kind]").forEach(function(a){a.addEventListener("click",function(){ek.value=a.getAttribute("data-kind");filterEvents();});});
window.addEventListener("hashchange",function(){openTo(location.hash.slice(1));});
if(location.hash){openTo(location.hash.slice(1));}
})();
