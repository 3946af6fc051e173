"""The table of lint rules: every finding code, its severity and its descriptions.

Codes are stable (renderers, `--fail-on` and users' suppressions rely on them) and follow IAM Access
Analyzer's policy-validation issue codes where one exists. A finding's severity always comes from here.
"""

from __future__ import annotations

from iamproof.errors import clip_values
from iamproof.lint.findings import Finding, Rule, Severity
from iamproof.span import Span

_E = Severity.ERROR
_S = Severity.SECURITY_WARNING
_W = Severity.WARNING
_G = Severity.SUGGESTION

_TABLE: tuple[tuple[str, Severity, str, str], ...] = (
    # --- policy-level ---------------------------------------------------------------------------------
    (
        "MISSING_STATEMENT",
        _E,
        "The policy has no statements",
        "'Statement' is an empty list: the policy grants and denies nothing, and AWS rejects it.",
    ),
    (
        "MISSING_VERSION",
        _W,
        "The policy has no Version element",
        "Without a Version the policy uses the 2008-10-17 language: policy variables are literal text. "
        'Specify "Version": "2012-10-17".',
    ),
    (
        "LEGACY_VERSION",
        _G,
        "The policy uses Version 2008-10-17",
        'Version 2008-10-17 lacks policy variables and newer features. Use "2012-10-17".',
    ),
    (
        "VARIABLE_UNSUPPORTED_IN_VERSION",
        _E,
        "Policy variables need Version 2012-10-17",
        "Under Version 2008-10-17, or with no Version, `${...}` is literal text, so the element does not "
        "match what its author intended.",
    ),
    (
        "POLICY_SIZE_EXCEEDS_LIMIT",
        _E,
        "The policy is larger than AWS allows for its type",
        "AWS rejects a policy above the size limit of its policy type (IAM counts characters without "
        "whitespace; Organizations policies count every character).",
    ),
    (
        "POLICY_SIZE_EXCEEDS_DEFAULT_LIMIT",
        _W,
        "The policy is larger than the usual limit for its type",
        "The policy exceeds the default or most common limit of its type; it fits only where a larger "
        "quota applies (for example a role's inline policies, or a raised trust-policy quota).",
    ),
    (
        "ID_IN_IDENTITY_POLICY",
        _G,
        "Id element in an identity-based policy",
        "The policy grammar allows Id in resource-based policies (where services such as SQS and SNS may "
        "require it), not in identity policies, permissions boundaries or session policies; there it changes "
        "nothing. Remove it.",
    ),
    (
        "UNSUPPORTED_CHARACTER",
        _E,
        "The policy text has a character AWS does not allow",
        "Policy text may contain only TAB, LF, CR and the characters U+0020 to U+00FF; AWS rejects a policy "
        "with any other character, for example a control character written as a JSON escape or a "
        "character beyond Latin-1.",
    ),
    (
        "UNIQUE_SIDS_REQUIRED",
        _E,
        "Statement IDs must be unique",
        "Two statements of the policy have the same Sid; IAM requires unique Sids.",
    ),
    (
        "UNSUPPORTED_SID",
        _E,
        "The Sid has characters IAM does not allow",
        "In IAM policies a Sid may contain only ASCII letters and digits.",
    ),
    (
        "EMPTY_SID_VALUE",
        _G,
        "The Sid is empty",
        "An empty Sid identifies nothing; remove it or give the statement a name.",
    ),
    (
        "REDUNDANT_STATEMENT",
        _G,
        "The statement is contained in another statement",
        "Another statement with the same effect, the same principal and a subset of its conditions covers "
        "every action and resource of this statement, so this statement changes nothing.",
    ),
    # --- principals -----------------------------------------------------------------------------------
    (
        "UNSUPPORTED_PRINCIPAL",
        _E,
        "Principal element not supported by this policy type",
        "Identity-based policies, permissions boundaries, session policies and SCPs cannot name a principal; "
        'trust policies cannot use NotPrincipal; RCPs support only "Principal": "*".',
    ),
    (
        "MISSING_PRINCIPAL",
        _E,
        "The statement has no Principal",
        "Resource-based policies, trust policies and RCPs must say whom each statement applies to.",
    ),
    (
        "ALLOW_WITH_NOT_PRINCIPAL",
        _S,
        "Allow with NotPrincipal",
        "Allow with NotPrincipal grants access to every principal except those listed, anonymous callers "
        "included. Most services reject it; list the principals to allow instead.",
    ),
    (
        "DENY_WITH_NOT_PRINCIPAL",
        _W,
        "Deny with NotPrincipal",
        "Deny with NotPrincipal may also deny the listed principals (their account or role must be listed "
        'too) and always denies principals with a permissions boundary. Prefer "Principal": "*" with an '
        "ArnNotEquals condition on aws:PrincipalArn.",
    ),
    (
        "SERVICE_PRINCIPAL_WITHOUT_SOURCE_CONDITION",
        _S,
        "Service principal allowed without a source condition",
        "A resource policy that allows a service principal without aws:SourceArn, aws:SourceAccount or an "
        "aws:SourceOrg* condition lets the service act for any AWS customer (the confused deputy).",
    ),
    # --- actions --------------------------------------------------------------------------------------
    (
        "INVALID_ACTION_FORMAT",
        _E,
        "The action is not of the form service:Action",
        "An action is a service prefix and an action name separated by one colon, for example "
        "\"s3:GetObject\"; only letters, digits, '-' (in the prefix) and the wildcards * and ? are allowed.",
    ),
    (
        "INVALID_SERVICE_IN_ACTION",
        _E,
        "Unknown service prefix in the action",
        "The service prefix names no service in the action catalogue, so the action matches nothing.",
    ),
    (
        "INVALID_ACTION",
        _E,
        "Unknown action",
        "The action (or every action a wildcard pattern could name) is missing from the action catalogue of "
        "its service, so it matches nothing: a typo, or an action AWS renamed or removed.",
    ),
    (
        "WILDCARD_IN_SERVICE_NAME",
        _W,
        "Wildcard in the service prefix of an action",
        "A wildcard in the service prefix can match services the author did not think of, including "
        "services AWS adds later. Name each service.",
    ),
    (
        "REDUNDANT_ACTION",
        _G,
        "The action is covered by another action of the statement",
        "Another entry of the same Action/NotAction list already matches everything this entry matches.",
    ),
    (
        "UNSUPPORTED_ACTION_IN_TRUST_POLICY",
        _W,
        "Action other than role assumption in a trust policy",
        "A role trust policy only controls sts:AssumeRole*, sts:TagSession, sts:SetSourceIdentity and "
        "sts:SetContext; other actions in it have no effect.",
    ),
    (
        "VARIABLE_UNSUPPORTED_IN_ELEMENT",
        _W,
        "Policy variable where it is not substituted",
        "Policy variables are substituted only in Resource/NotResource (after the fifth colon of an ARN) and "
        "in string and ARN condition values; elsewhere (Action, NotAction, Principal, the account or region "
        "of an ARN) `${...}` is literal text, so an action written with one matches no real action.",
    ),
    # --- statement combinations -----------------------------------------------------------------------
    (
        "ALLOW_WITH_NOT_ACTION",
        _S,
        "Allow with NotAction",
        "Allow with NotAction grants every action of every service except those listed, including actions "
        "AWS adds later. List the actions to allow instead.",
    ),
    (
        "ALLOW_WITH_NOT_RESOURCE",
        _S,
        "Allow with NotResource",
        "Allow with NotResource grants the actions on every resource except those listed, including "
        "resources created later. List the resources to allow instead.",
    ),
    (
        "PASS_ROLE_WITH_STAR_IN_RESOURCE",
        _S,
        "iam:PassRole allowed on every role",
        'Allowing iam:PassRole on "*" (or on every role of an account) lets the principal hand any role, '
        "however privileged, to a service: a privilege escalation path. Name the roles.",
    ),
    (
        "PASS_ROLE_WITH_NOT_RESOURCE",
        _S,
        "iam:PassRole allowed with NotResource",
        "Allowing iam:PassRole with NotResource allows passing every role except those listed, including "
        "roles created later.",
    ),
    (
        "MISSING_RESOURCE",
        _E,
        "The statement has no Resource",
        "Every statement of this policy type needs Resource or NotResource.",
    ),
    (
        "RESOURCE_IN_TRUST_POLICY",
        _E,
        "Resource element in a trust policy",
        'IAM rejects a role trust policy that has Resource or NotResource ("Has prohibited field '
        'Resource"); the role itself is the resource.',
    ),
    (
        "ALLOW_IN_RCP",
        _E,
        "Allow statement in a resource control policy",
        "Custom RCPs may only deny; only the AWS-managed RCPFullAWSAccess policy contains an Allow.",
    ),
    # --- resources ------------------------------------------------------------------------------------
    (
        "INVALID_ARN_PREFIX",
        _E,
        'The resource is neither "*" nor an ARN',
        'A resource must be "*" or an ARN starting with "arn:", so this entry matches nothing.',
    ),
    (
        "MISSING_ARN_FIELD",
        _E,
        "The ARN has fewer than six fields",
        "An ARN is arn:partition:service:region:account:resource; this one lacks fields, so it matches nothing.",
    ),
    (
        "INVALID_PARTITION",
        _E,
        "Unknown partition in the ARN",
        "The partition must be aws, aws-cn, aws-us-gov or another AWS partition.",
    ),
    (
        "WILDCARD_IN_ARN_SERVICE",
        _E,
        "Wildcard in the service field of an ARN",
        "Wildcards may appear in every field of a resource ARN except the service.",
    ),
    (
        "INVALID_ARN_SERVICE_CASE",
        _E,
        "The service field of the ARN is not lower-case",
        "ARNs are matched case-sensitively and service namespaces are lower-case, so the ARN matches nothing.",
    ),
    (
        "UNKNOWN_ARN_SERVICE",
        _W,
        "Unknown service in the ARN",
        "No resource type in the catalogue has an ARN with this service field.",
    ),
    (
        "WILDCARD_IN_RESOURCE_TYPE",
        _E,
        "Wildcard inside a resource-type word of an ARN",
        'IAM forbids a wildcard inside the resource-type word of an ARN (for example "...:u*" for users); '
        'write the type in full, such as "...:user/*".',
    ),
    (
        "ARN_MATCHES_NO_RESOURCE_TYPE",
        _W,
        "The ARN fits no resource type of its service",
        "The ARN cannot match any ARN form the catalogue lists for its service (for example a region in an IAM "
        "ARN, or a resource part without the resource-type word), so the entry probably matches nothing.",
    ),
    (
        "INVALID_ARN_REGION",
        _E,
        "Malformed region in the ARN",
        "The region field is not a region name such as us-east-1, so the ARN matches nothing.",
    ),
    (
        "INVALID_ARN_ACCOUNT",
        _E,
        "Malformed account in the ARN",
        'The account field must be a 12-digit account ID (or "aws" for AWS-owned resources).',
    ),
    (
        "REDUNDANT_RESOURCE",
        _G,
        "The resource is covered by another resource of the statement",
        "Another entry of the same Resource/NotResource list already matches everything this entry matches.",
    ),
    # --- conditions -----------------------------------------------------------------------------------
    (
        "NULL_WITH_IF_EXISTS",
        _E,
        "Null operator with IfExists",
        "IfExists cannot be combined with the Null operator: Null already tests whether the key exists.",
    ),
    (
        "INVALID_CONDITION_KEY_FORMAT",
        _E,
        "The condition key is not of the form prefix:name",
        'A condition key is a service prefix (or "aws") and a key name separated by a colon.',
    ),
    (
        "UNKNOWN_GLOBAL_CONDITION_KEY",
        _W,
        "Unknown global condition key",
        "The aws: key is not a known global condition key; an absent key makes the condition false "
        "(true for negated operators).",
    ),
    (
        "UNKNOWN_CONDITION_KEY",
        _W,
        "Unknown condition key for the service",
        "The service's catalogue has no such condition key; an absent key makes the condition false (true "
        "for negated operators).",
    ),
    (
        "CONDITION_TYPE_MISMATCH",
        _W,
        "The operator or value does not fit the condition key's type",
        "The key's catalogue type (String, Numeric, Date, Bool, IPAddress, ARN) does not match the "
        "operator family or the value: the request's value is compared as another type, or a value is "
        "given that the key never takes, so the condition does not test what it seems to.",
    ),
    (
        "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
        _S,
        "ForAllValues with a single-valued key in an Allow",
        "ForAllValues is true when the key is absent, so an Allow with ForAllValues on a single-valued key "
        "also allows every request without the key. Use the plain operator.",
    ),
    (
        "SET_OPERATOR_WITH_SINGLE_VALUED_KEY",
        _W,
        "Set operator with a single-valued key",
        "ForAnyValue/ForAllValues are meant for multivalued keys; on a single-valued key this one differs from "
        "the plain operator when the key is absent (ForAllValues is then true, ForAnyValue false), which is "
        "rarely what is meant.",
    ),
    (
        "UNNECESSARY_SET_OPERATOR",
        _G,
        "Set operator with the meaning of the plain operator",
        "On a single-valued key this ForAnyValue/ForAllValues operator means exactly what the plain operator "
        "means; the qualifier only suggests that the key is multivalued.",
    ),
    (
        "MULTIVALUED_KEY_WITH_PLAIN_OPERATOR",
        _W,
        "Plain operator with a multivalued key",
        "How a plain operator treats a key with several values is undocumented; use ForAnyValue or ForAllValues.",
    ),
    (
        "BOOL_WITH_MULTIPLE_VALUES",
        _W,
        "Bool condition with both true and false",
        "A Bool condition listing both true and false holds whenever the key is present; it only tests "
        "presence (use Null for that).",
    ),
    (
        "MULTIVALUED_KEY_AS_POLICY_VARIABLE",
        _W,
        "Multivalued key used as a policy variable",
        "Only single-valued keys can be used as policy variables.",
    ),
)

RULES: dict[str, Rule] = {code: Rule(code, severity, short, full) for code, severity, short, full in _TABLE}


def finding(code: str, message: str, span: Span) -> Finding:
    """A finding of rule `code` (its severity comes from the rule table); long echoed values are shortened."""
    return Finding(code, RULES[code].severity, clip_values(message), span)
