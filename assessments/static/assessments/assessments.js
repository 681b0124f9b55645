// The section navigator is a <details>: open beside the section on a wide screen, folded
// above it on a narrow one (the reader opens it with Enter or a tap).
document.addEventListener("DOMContentLoaded", function () {
  if (window.matchMedia("(min-width: 60rem)").matches) {
    document.querySelectorAll(".section-nav-details").forEach(function (d) { d.open = true; });
  }
});
