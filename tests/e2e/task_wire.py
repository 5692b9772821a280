"""The wire models of the io.modelcontextprotocol/tasks extension (revision 2026-07-28), for the official Python
client (mcp==2.3.0), which has none: shared by tasks_python.py and flama_python.py."""

from typing import Any, Literal

import mcp_types as types


class TaskCreated(types.Result):
    """The tools/call answer that is a task: {"resultType": "task", taskId, status, ttlMs, pollIntervalMs, ...}."""

    result_type: Literal["task"] = "task"
    task_id: str
    status: str
    status_message: str | None = None
    created_at: str | None = None
    last_updated_at: str | None = None
    ttl_ms: int | None = None
    poll_interval_ms: int | None = None


class DetailedTask(types.Result):
    """The tasks/get answer (resultType "complete"): a status with its result, error or inputRequests."""

    task_id: str
    status: Literal["working", "input_required", "completed", "failed", "cancelled"]
    status_message: str | None = None
    ttl_ms: int | None = None
    poll_interval_ms: int | None = None
    result: dict[str, Any] | None = None  # a CallToolResult when completed
    error: dict[str, Any] | None = None  # a JSON-RPC error object when failed
    input_requests: types.InputRequests | None = None


class TaskIdParams(types.RequestParams):
    task_id: str


class UpdateParams(TaskIdParams):
    input_responses: dict[str, Any]


class GetTask(types.Request[TaskIdParams, Literal["tasks/get"]]):
    method: Literal["tasks/get"] = "tasks/get"
    name_param = "taskId"  # mirrored into Mcp-Name


class UpdateTask(types.Request[UpdateParams, Literal["tasks/update"]]):
    method: Literal["tasks/update"] = "tasks/update"
    name_param = "taskId"


class CancelTask(types.Request[TaskIdParams, Literal["tasks/cancel"]]):
    method: Literal["tasks/cancel"] = "tasks/cancel"
    name_param = "taskId"


class Ack(types.Result):
    result_type: str | None = None
