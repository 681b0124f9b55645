// The DPO's review: after a failed action the page comes back at the finding's row
// (the form's action carries its fragment); move focus to the error summary there so
// that a screen reader reads it and a keyboard user continues from it. This runs after
// "load": the browser focuses the fragment's target itself while loading, which would
// otherwise take the focus back from the summary.
(function () {
  window.addEventListener("load", function () {
    window.requestAnimationFrame(function () {
      var summary = document.querySelector("[data-focus-on-load]");
      if (summary) {
        summary.focus();
        summary.scrollIntoView({ block: "center" });
        return;
      }
      if (window.location.hash.length > 1) {
        var target = document.getElementById(window.location.hash.slice(1));
        if (target && target.hasAttribute("tabindex")) { target.focus({ preventScroll: true }); }
      }
    });
  });
})();
