// Frontdesk customer pages: progressive enhancement only. Every step works without this file.
(function () {
  "use strict";

  function setUp() {
    // A page shown again with errors: move the focus to their summary, so screen readers and
    // keyboards start there.
    var summary = document.querySelector("[data-error-summary]");
    var invalid = document.querySelector("input[aria-invalid=true], select[aria-invalid=true], textarea[aria-invalid=true]");
    if (summary) {
      summary.focus();
    } else if (invalid) {
      // One field was wrong (the code): straight back to it.
      invalid.focus();
      if (invalid.select) {
        invalid.select();
      }
    }

    // One submit per form: a second tap while the first is on its way does nothing.
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-sent")) {
          event.preventDefault();
          return;
        }
        form.setAttribute("data-sent", "1");
        form.querySelectorAll("button[type=submit]").forEach(function (b) {
          window.setTimeout(function () { b.disabled = true; }, 0);
        });
      });
    });

    // Ask before cancelling: <form data-confirm="Cancel this booking?">.
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) {
          event.preventDefault();
        }
      });
    });

    // Free times of another day without reloading the page (the links load it otherwise).
    var list = document.querySelector("[data-times]");
    var days = document.querySelector("[data-days]");
    if (list && days && window.fetch) {
      days.addEventListener("click", function (event) {
        var link = event.target.closest ? event.target.closest("a[data-date]") : null;
        if (!link || event.metaKey || event.ctrlKey || event.shiftKey) {
          return;
        }
        event.preventDefault();
        showDay(link);
      });
    }

    function showDay(link) {
      var date = link.getAttribute("data-date");
      var api = list.getAttribute("data-api") + "&date=" + encodeURIComponent(date) + "&days=1";
      list.setAttribute("aria-busy", "true");
      fetch(api, { headers: { "Accept": "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (slots) {
          days.querySelectorAll("a[aria-current]").forEach(function (a) { a.removeAttribute("aria-current"); });
          link.setAttribute("aria-current", "date");
          var heading = document.querySelector("[data-times-heading]");
          if (heading) {
            heading.textContent = list.getAttribute("data-heading").replace("{date}", link.getAttribute("aria-label"));
          }
          while (list.firstChild) { list.removeChild(list.firstChild); }
          if (!slots.length) {
            var li = document.createElement("li");
            li.textContent = list.getAttribute("data-empty");
            list.appendChild(li);
          }
          slots.forEach(function (s) {
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.className = "time";
            a.href = list.getAttribute("data-link") + "&date=" + encodeURIComponent(date) +
              "&start=" + encodeURIComponent(s.local_time);
            a.textContent = s.local_time.slice(11, 16);
            li.appendChild(a);
            list.appendChild(li);
          });
          if (window.history && window.history.replaceState) {
            window.history.replaceState(null, "", link.href);
          }
        })
        .catch(function () { window.location.href = link.href; })
        .then(function () { list.removeAttribute("aria-busy"); });
    }

    // In a frame on the business's own site: tell the embed script how tall the page is.
    if (document.body.classList.contains("is-embed") && window.parent !== window) {
      var last = 0;
      var report = function () {
        var h = document.documentElement.scrollHeight;
        if (h !== last) {
          last = h;
          window.parent.postMessage({ frontdesk: "height", height: h }, "*");
        }
      };
      report();
      window.addEventListener("resize", report);
      window.setInterval(report, 500);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
