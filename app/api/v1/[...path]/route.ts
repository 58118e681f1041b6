import { errorResponse } from "@/lib/api/respond";
import { AppError } from "@/lib/errors";

// Unknown API paths answer in the API's own error format rather than with an HTML page.
function notFound() {
  return errorResponse(new AppError("not_found", "No such API endpoint. See /api/v1/openapi.json."));
}

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
