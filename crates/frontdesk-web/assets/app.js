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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
