// Frontdesk booking widget: put this on your own site where the booking page should appear.
//   <script src="https://YOUR-FRONTDESK/widget.js" data-slug="your-slug" async></script>
// Optional: data-lang="it" (page language), data-title="Book online" (the frame's accessible
// name). It inserts an iframe of the booking page in embed mode and keeps it as tall as its
// content. Nothing else: no cookies, no tracking.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) {
    return;
  }
  var slug = script.getAttribute("data-slug");
  if (!slug) {
    return;
  }
  var origin = new URL(script.src, window.location.href).origin;
  var lang = script.getAttribute("data-lang");
  var src = origin + "/" + encodeURIComponent(slug) + "?embed=1" + (lang ? "&lang=" + encodeURIComponent(lang) : "");
  var frame = document.createElement("iframe");
  frame.src = src;
  frame.title = script.getAttribute("data-title") || "Book online";
  frame.loading = "lazy";
  frame.style.width = "100%";
  frame.style.minHeight = "640px";
  frame.style.border = "0";
  frame.setAttribute("data-frontdesk", slug);
  script.parentNode.insertBefore(frame, script.nextSibling);
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== frame.contentWindow) {
      return;
    }
    var data = event.data;
    if (data && data.frontdesk === "height" && typeof data.height === "number") {
      frame.style.height = Math.max(320, Math.min(data.height, 20000)) + "px";
    }
  });
})();
