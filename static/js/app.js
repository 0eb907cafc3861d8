// Start GOV.UK Frontend's components. Everything works without JavaScript too.
import { initAll } from "/static/vendor/govuk/govuk-frontend.min.js";

initAll();
