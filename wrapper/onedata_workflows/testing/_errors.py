"""The errors the simulated service answers with: Onedata's ids, HTTP codes and details."""

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
    return ServiceError(
        403,
        "forbidden",
        "You are not authorized to perform this operation (insufficient privileges?).",
    )


def malformed_data() -> ServiceError:
    return ServiceError(
        400, "malformedData", "Provided data could not be understood by the server."
    )


def missing_required_value(key: str) -> ServiceError:
    return ServiceError(
        400, "missingRequiredValue", f'Missing required value for key "{key}".', {"key": key}
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
    return bad_value("badValueJSON", key, "must be a valid JSON object")


def bad_value_too_low(key: str, limit: int) -> ServiceError:
    return bad_value("badValueTooLow", key, f"must be at least {limit}", limit=limit)


def bad_value_not_in_range(key: str, low: int, high: int) -> ServiceError:
    return bad_value(
        "badValueNotInRange", key, f"must be between {low} and {high}", low=low, high=high
    )


def bad_value_not_allowed(key: str, allowed: Sequence[str]) -> ServiceError:
    return bad_value(
        "badValueNotAllowed",
        key,
        "must be one of: " + ", ".join(allowed),
        allowed=list(allowed),
    )


def bad_data(key: str) -> ServiceError:
    return bad_value("badData", key, "could not be understood by the server")


def space_not_supported_by(space_id: str, provider_id: str) -> ServiceError:
    return ServiceError(
        400,
        "spaceNotSupportedBy",
        f"Space {space_id} is not supported by provider {provider_id}.",
        {"spaceId": space_id, "providerId": provider_id},
    )


def execution_ended() -> ServiceError:
    return ServiceError(
        400, "atmWorkflowExecutionEnded", "Automation workflow execution has already ended."
    )


def execution_not_ended() -> ServiceError:
    return ServiceError(
        400, "atmWorkflowExecutionNotEnded", "Automation workflow execution has not ended yet."
    )


def execution_not_resumable() -> ServiceError:
    return ServiceError(
        400, "atmWorkflowExecutionNotResumable", "Automation workflow execution cannot be resumed."
    )


def execution_not_stopped() -> ServiceError:
    return ServiceError(
        400,
        "atmWorkflowExecutionNotStopped",
        "Automation workflow execution is neither suspended nor ended.",
    )


def invalid_status_transition(prev_status: str, new_status: str) -> ServiceError:
    return ServiceError(
        400,
        "atmInvalidStatusTransition",
        f"Invalid status transition from {prev_status} to {new_status}.",
        {"prevStatus": prev_status, "newStatus": new_status},
    )


def rerun_failed() -> ServiceError:
    return ServiceError(
        400,
        "atmLaneExecutionRerunFailed",
        "Lane run can be rerun only when it has finished, failed or been cancelled "
        "in an execution that has ended without crashing.",
    )


def retry_failed() -> ServiceError:
    return ServiceError(
        400,
        "atmLaneExecutionRetryFailed",
        "Lane run can be retried only when it processed all its items and some of them failed, "
        "in an execution that has ended without crashing.",
    )


def workflow_empty() -> ServiceError:
    return ServiceError(400, "atmWorkflowEmpty", "The workflow schema has no lanes.")
