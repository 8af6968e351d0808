// Frontdesk dashboard: progressive enhancement only. Every form works without this file.
(function () {
  "use strict";

  // Ask before destructive actions: <form data-confirm="Revoke this key?">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  function setUp() {
    // Copy buttons, hidden until this script can make them work: <button data-copy="input-id">.
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("data-copy"));
      if (!target || !navigator.clipboard) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(target.value || target.textContent).then(function () {
          var label = button.textContent;
          button.textContent = "Copied";
          window.setTimeout(function () { button.textContent = label; }, 2000);
        }, function () {
          target.focus();
          target.select();
        });
      });
    });

    // Filter selects that show a different page when changed: <select data-autosubmit>. The
    // form's own button does the same without this script.
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        if (select.form) {
          select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
        }
      });
    });

    // A shown key or link is selected whole when focused, to copy it by hand.
    document.querySelectorAll("input[readonly]").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
  }

  // Live screens (calendar, bookings, floor): <div data-live="bookings">. When a booking is
  // made, moved or cancelled anywhere, the page's main part is fetched again and swapped in,
  // unless someone is typing in it (then a notice offers the refresh instead).
  function live() {
    var marker = document.querySelector("[data-live]");
    if (!marker || !window.EventSource || !window.fetch || !window.DOMParser) {
      return;
    }
    var pending = null;
    var source = new EventSource("/api/v1/events");
    function refresh() {
      pending = null;
      var main = document.getElementById("main");
      var active = document.activeElement;
      if (main && active && main.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName)) {
        notice(main, "Bookings changed.", true);
        return;
      }
      fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (res) { return res.ok ? res.text() : null; })
        .then(function (html) {
          if (!html || !main) { return; }
          var next = new DOMParser().parseFromString(html, "text/html").getElementById("main");
          if (!next) { return; }
          main.innerHTML = next.innerHTML;
          setUp();
          notice(main, "Updated just now.", false);
        })
        .catch(function () {});
    }
    function onChange() {
      if (pending === null) {
        pending = window.setTimeout(refresh, 250);
      }
    }
    source.addEventListener("bookings", onChange);
    source.addEventListener("resync", onChange);
  }

  function notice(main, text, offerReload) {
    var box = document.getElementById("live-notice");
    if (!box) {
      box = document.createElement("p");
      box.id = "live-notice";
      box.className = "live-notice";
      box.setAttribute("role", "status");
      main.insertBefore(box, main.firstChild);
    }
    box.textContent = text + " ";
    if (offerReload) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "Refresh";
      button.addEventListener("click", function () { window.location.reload(); });
      box.appendChild(button);
    }
  }

  function start() {
    setUp();
    live();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
