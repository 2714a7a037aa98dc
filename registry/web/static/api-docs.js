// The API docs page: Swagger UI on the registry's own OpenAPI document (a file, so that the page needs
// no inline script under the site's Content-Security-Policy).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({url: document.body.dataset.spec, dom_id: "#swagger-ui", deepLinking: true});
});
