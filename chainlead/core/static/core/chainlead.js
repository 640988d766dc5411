/* Page behaviour that would otherwise sit in on…= attributes or htmx trigger filters, neither of
 * which the Content-Security-Policy (script-src 'self', no eval) lets run. Listeners sit on the
 * document, so fragments swapped in by htmx behave like the page they land in.
 *
 *   <select data-autosubmit>                     submit the form when the choice changes
 *   <select data-autosubmit data-autosubmit-clear="region">
 *                                                also empty the form's `region` field first
 *   <form data-confirm="Remove?">                ask before submitting (plain forms; htmx
 *                                                elements use hx-confirm)
 *   <tr hx-get="…" hx-trigger="row-click" data-row-click>
 *                                                a click on the row, but not on a link or a
 *                                                control inside it, fires htmx's request
 */
(function () {
  "use strict";

  // htmx must never evaluate attribute text (hx-on, js: values, trigger filters).
  if (window.htmx) {
    window.htmx.config.allowEval = false;
  }

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("[data-autosubmit]") || !field.form) { return; }
    var clear = field.getAttribute("data-autosubmit-clear");
    if (clear && field.form.elements[clear]) {
      field.form.elements[clear].value = "";
    }
    field.form.submit();
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest || target.closest("a, button, input, select, textarea, label, summary")) {
      return;
    }
    var row = target.closest("[data-row-click]");
    if (row && window.htmx) {
      window.htmx.trigger(row, "row-click");
    }
  });
})();
