//! The methods the framework serves, and the client notifications it reads.

/// A method name the framework knows. Anything else is answered with "method not found".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    Initialize,
    Ping,
    Discover,
    ToolsList,
    ToolsCall,
    ResourcesList,
    ResourceTemplatesList,
    ResourcesRead,
    ResourcesSubscribe,
    ResourcesUnsubscribe,
    PromptsList,
    PromptsGet,
    Complete,
    SetLogLevel,
    Listen,
    /// `tasks/get` (tasks extension, 2026-07-28; experimental tasks, 2025-11-25).
    TasksGet,
    /// `tasks/update` (tasks extension, 2026-07-28).
    TasksUpdate,
    /// `tasks/cancel` (tasks extension, 2026-07-28; experimental tasks, 2025-11-25).
    TasksCancel,
    /// `tasks/result` (experimental tasks, 2025-11-25).
    TasksResult,
    /// `tasks/list` (experimental tasks, 2025-11-25).
    TasksList,
    /// `notifications/initialized`.
    Initialized,
    /// `notifications/cancelled`.
    Cancelled,
}

impl Method {
    const ALL: [Method; 22] = [
        Method::Initialize,
        Method::Ping,
        Method::Discover,
        Method::ToolsList,
        Method::ToolsCall,
        Method::ResourcesList,
        Method::ResourceTemplatesList,
        Method::ResourcesRead,
        Method::ResourcesSubscribe,
        Method::ResourcesUnsubscribe,
        Method::PromptsList,
        Method::PromptsGet,
        Method::Complete,
        Method::SetLogLevel,
        Method::Listen,
        Method::TasksGet,
        Method::TasksUpdate,
        Method::TasksCancel,
        Method::TasksResult,
        Method::TasksList,
        Method::Initialized,
        Method::Cancelled,
    ];

    /// The method's name on the wire.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Method::Initialize => "initialize",
            Method::Ping => "ping",
            Method::Discover => "server/discover",
            Method::ToolsList => "tools/list",
            Method::ToolsCall => "tools/call",
            Method::ResourcesList => "resources/list",
            Method::ResourceTemplatesList => "resources/templates/list",
            Method::ResourcesRead => "resources/read",
            Method::ResourcesSubscribe => "resources/subscribe",
            Method::ResourcesUnsubscribe => "resources/unsubscribe",
            Method::PromptsList => "prompts/list",
            Method::PromptsGet => "prompts/get",
            Method::Complete => "completion/complete",
            Method::SetLogLevel => "logging/setLevel",
            Method::Listen => "subscriptions/listen",
            Method::TasksGet => "tasks/get",
            Method::TasksUpdate => "tasks/update",
            Method::TasksCancel => "tasks/cancel",
            Method::TasksResult => "tasks/result",
            Method::TasksList => "tasks/list",
            Method::Initialized => "notifications/initialized",
            Method::Cancelled => "notifications/cancelled",
        }
    }

    /// The method called `name`, if the framework knows it.
    pub(crate) fn parse(name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == name)
    }

    /// The parameter the `Mcp-Name` header repeats (stateless revision): `name` for calls
    /// and prompts, `uri` for reads, `taskId` for tasks.
    pub(crate) fn named_param(self) -> Option<&'static str> {
        match self {
            Method::ToolsCall | Method::PromptsGet => Some("name"),
            Method::ResourcesRead => Some("uri"),
            Method::TasksGet | Method::TasksUpdate | Method::TasksCancel => Some("taskId"),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for m in Method::ALL {
            assert_eq!(Method::parse(m.as_str()), Some(m));
        }
        assert_eq!(Method::parse("tools/unknown"), None);
    }
}
