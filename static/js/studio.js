// Live preview of a question's GIFT in the studio: the form is posted as "preview" (which saves
// nothing) a moment after typing stops, and the server's rendering replaces the preview area.
// Without JavaScript the "Preview" button does the same through a normal form post.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-preview]");
  if (!form) { return; }
  var target = document.getElementById(form.dataset.livePreview);
  var timer = null;

  function refresh() {
    timer = null;
    var data = new FormData(form);
    data.append("preview", "1");
    fetch(form.action || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (response.ok) {
        return response.text().then(function (html) { target.innerHTML = html; });
      }
    }).catch(function () { /* offline: the Preview button still works */ });
  }

  // Any field: the GIFT box, or the fields of a question written by form.
  form.addEventListener("input", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(refresh, 600);
  });
}());
