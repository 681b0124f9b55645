// The portal's error summary: after a refused form, move focus to the summary so that a
// screen reader announces it and the keyboard starts from its links to the fields.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("#error-summary[data-focus]");
  if (summary) { summary.focus(); }
});
