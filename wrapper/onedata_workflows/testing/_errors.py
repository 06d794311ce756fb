"""The errors the simulated service answers with: Onedata's ids, HTTP codes and details.

Descriptions are those of ctool's ``errors.erl`` (``to_json/1``), the library that
op-worker answers with, word for word: clients may show them to people.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class ServiceError(Exception):
    """An error answer: raised anywhere in the simulator, rendered once by the router."""

    def __init__(
        self, status: int, error_id: str, description: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {error_id}: {description}")
        self.status = status
        self.error_id = error_id
        self.description = description
        self.details = details


def not_found() -> ServiceError:
    return ServiceError(404, "notFound", "The resource could not be found.")


def unauthorized() -> ServiceError:
    return ServiceError(
        401, "unauthorized", "You must authenticate yourself to perform this operation."
    )


def forbidden() -> ServiceError:
    return ServiceError(403, "forbidden", "You are not authorized to perform this operation.")


def internal_server_error() -> ServiceError:
    return ServiceError(
        500,
        "internalServerError",
        "The server has encountered an error while processing this request.",
    )


def service_unavailable() -> ServiceError:
    return ServiceError(
        503, "serviceUnavailable", "Service required for this operation is offline."
    )


def no_connection_to_onezone() -> ServiceError:
    return ServiceError(503, "noConnectionToOnezone", "No connection to Onezone.")


def malformed_data() -> ServiceError:
    return ServiceError(
        400, "malformedData", "Provided data could not be understood by the server."
    )


def missing_required_value(key: str) -> ServiceError:
    return ServiceError(
        400, "missingRequiredValue", f"Missing required value: {key}.", {"key": key}
    )


def bad_value(error_id: str, key: str, must: str, **extra: Any) -> ServiceError:
    return ServiceError(
        400, error_id, f'Bad value: provided "{key}" {must}.', {"key": key, **extra}
    )


def bad_value_integer(key: str) -> ServiceError:
    return bad_value("badValueInteger", key, "must be an integer")


def bad_value_string(key: str) -> ServiceError:
    return bad_value("badValueString", key, "must be a string")


def bad_value_empty(key: str) -> ServiceError:
    return bad_value("badValueEmpty", key, "must not be empty")


def bad_value_json(key: str) -> ServiceError:
    return bad_value("badValueJSON", key, "must be a valid JSON")


def bad_value_too_low(key: str, limit: int) -> ServiceError:
    return bad_value("badValueTooLow", key, f"must be at least {limit}", limit=limit)


def bad_value_not_in_range(key: str, low: int, high: int) -> ServiceError:
    return bad_value(
        "badValueNotInRange", key, f"must be between <{low}, {high}>", low=low, high=high
    )


def bad_value_not_allowed(key: str, allowed: Sequence[str]) -> ServiceError:
    return bad_value(
        "badValueNotAllowed",
        key,
        "must be one of: " + ", ".join(allowed),
        allowed=list(allowed),
    )


def bad_data(key: str) -> ServiceError:
    return bad_value(
        "badData",
        key,
        "has an invalid format or is incomprehensible in the context of this operation",
    )


def space_not_supported_by(space_id: str, provider_id: str) -> ServiceError:
    return ServiceError(
        400,
        "spaceNotSupportedBy",
        f"Specified space: {space_id} is not supported by provider {provider_id}.",
        {"spaceId": space_id, "providerId": provider_id},
    )


def execution_ended() -> ServiceError:
    return ServiceError(
        400,
        "atmWorkflowExecutionEnded",
        "Specified automation workflow execution has already ended.",
    )


def execution_not_ended() -> ServiceError:
    return ServiceError(
        400,
        "atmWorkflowExecutionNotEnded",
        "Specified automation workflow execution has not ended yet.",
    )


def execution_not_resumable() -> ServiceError:
    return ServiceError(
        400,
        "atmWorkflowExecutionNotResumable",
        "Specified automation workflow execution cannot be resumed.",
    )


def execution_not_stopped() -> ServiceError:
    return ServiceError(
        400,
        "atmWorkflowExecutionNotStopped",
        "Specified automation workflow execution has not stopped yet.",
    )


def invalid_status_transition(prev_status: str, new_status: str) -> ServiceError:
    return ServiceError(
        400,
        "atmInvalidStatusTransition",
        "Invalid status transition (see details).",
        {"prevStatus": prev_status, "newStatus": new_status},
    )


# The next two span two lines in the service's source, so the text it sends holds a
# line break and the indentation of the second line.
def rerun_failed() -> ServiceError:
    return ServiceError(
        400,
        "atmLaneExecutionRerunFailed",
        "Failed to rerun specified lane execution. Lane execution can be rerun only if\n"
        "        it is in one of the following states: 'finished', 'failed', 'cancelled'.",
    )


def retry_failed() -> ServiceError:
    return ServiceError(
        400,
        "atmLaneExecutionRetryFailed",
        "Failed to retry specified lane execution. Lane execution can be retried\n"
        "        only if all items have been processed but some of them failed.",
    )


def workflow_empty() -> ServiceError:
    return ServiceError(400, "atmWorkflowEmpty", "Bad automation workflow: no lanes defined.")


def not_supported() -> ServiceError:
    return ServiceError(400, "notSupported", "This operation is not supported.")
