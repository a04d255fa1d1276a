// Live preview of a lesson's reading (studio and admin): a moment after typing stops, the Markdown is
// posted to the page's preview address and the server's rendering (the same sanitiser and typography
// as the lesson page) replaces the preview. Without JavaScript the studio's "Preview" button does the
// same through a normal form post.
(function () {
  "use strict";
  var source = document.querySelector("textarea[data-preview-url]");
  if (!source || !source.dataset.previewUrl) { return; }
  var target = document.getElementById(source.dataset.previewTarget);
  if (!target) {
    var region = document.createElement("section");
    region.setAttribute("aria-label", source.dataset.previewLabel || "Preview");
    region.className = "lesson-reading-preview";
    target = document.createElement("div");
    target.id = source.dataset.previewTarget;
    target.setAttribute("aria-live", "polite");
    region.appendChild(target);
    source.parentNode.insertBefore(region, source.nextSibling);
  }
  var form = source.form;
  var timer = null;

  function csrfToken() {
    var field = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function refresh() {
    timer = null;
    var data = new FormData();
    data.append("reading_markdown", source.value);
    data.append("csrfmiddlewaretoken", csrfToken());
    fetch(source.dataset.previewUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "X-CSRFToken": csrfToken() }
    }).then(function (response) {
      if (response.ok) {
        return response.text().then(function (html) { target.innerHTML = html; });
      }
    }).catch(function () { /* offline: the Preview button still works */ });
  }

  source.addEventListener("input", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(refresh, 500);
  });
  if (!target.innerHTML.trim()) { refresh(); }
}());
