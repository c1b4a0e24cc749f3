extension SQLState {
    // MARK: Class 08 — Connection Exception

    /// `08000` connection_exception
    public static let connectionException: SQLState = "08000"
    /// `08003` connection_does_not_exist
    public static let connectionDoesNotExist: SQLState = "08003"
    /// `08006` connection_failure
    public static let connectionFailure: SQLState = "08006"
    /// `08001` sqlclient_unable_to_establish_sqlconnection
    public static let sqlclientUnableToEstablishSqlconnection: SQLState = "08001"
    /// `08004` sqlserver_rejected_establishment_of_sqlconnection
    public static let sqlserverRejectedEstablishmentOfSqlconnection: SQLState = "08004"
    /// `08P01` protocol_violation
    public static let protocolViolation: SQLState = "08P01"

    // MARK: Class 0A — Feature Not Supported

    /// `0A000` feature_not_supported
    public static let featureNotSupported: SQLState = "0A000"

    // MARK: Class 21 — Cardinality Violation

    /// `21000` cardinality_violation
    public static let cardinalityViolation: SQLState = "21000"

    // MARK: Class 22 — Data Exception

    /// `22000` data_exception
    public static let dataException: SQLState = "22000"
    /// `22001` string_data_right_truncation
    public static let stringDataRightTruncation: SQLState = "22001"
    /// `22003` numeric_value_out_of_range
    public static let numericValueOutOfRange: SQLState = "22003"
    /// `22004` null_value_not_allowed
    public static let nullValueNotAllowed: SQLState = "22004"
    /// `22007` invalid_datetime_format
    public static let invalidDatetimeFormat: SQLState = "22007"
    /// `22008` datetime_field_overflow
    public static let datetimeFieldOverflow: SQLState = "22008"
    /// `22012` division_by_zero
    public static let divisionByZero: SQLState = "22012"
    /// `22023` invalid_parameter_value
    public static let invalidParameterValue: SQLState = "22023"
    /// `22025` invalid_escape_sequence
    public static let invalidEscapeSequence: SQLState = "22025"
    /// `22021` character_not_in_repertoire
    public static let characterNotInRepertoire: SQLState = "22021"
    /// `2201B` invalid_regular_expression
    public static let invalidRegularExpression: SQLState = "2201B"
    /// `22P02` invalid_text_representation
    public static let invalidTextRepresentation: SQLState = "22P02"
    /// `22P05` untranslatable_character
    public static let untranslatableCharacter: SQLState = "22P05"
    /// `22032` invalid_json_text
    public static let invalidJSONText: SQLState = "22032"

    // MARK: Class 23 — Integrity Constraint Violation

    /// `23000` integrity_constraint_violation
    public static let integrityConstraintViolation: SQLState = "23000"
    /// `23001` restrict_violation
    public static let restrictViolation: SQLState = "23001"
    /// `23502` not_null_violation
    public static let notNullViolation: SQLState = "23502"
    /// `23503` foreign_key_violation
    public static let foreignKeyViolation: SQLState = "23503"
    /// `23505` unique_violation
    public static let uniqueViolation: SQLState = "23505"
    /// `23514` check_violation
    public static let checkViolation: SQLState = "23514"
    /// `23P01` exclusion_violation
    public static let exclusionViolation: SQLState = "23P01"

    // MARK: Class 25 — Invalid Transaction State

    /// `25000` invalid_transaction_state
    public static let invalidTransactionState: SQLState = "25000"
    /// `25001` active_sql_transaction
    public static let activeSqlTransaction: SQLState = "25001"
    /// `25006` read_only_sql_transaction
    public static let readOnlySqlTransaction: SQLState = "25006"
    /// `25P01` no_active_sql_transaction
    public static let noActiveSqlTransaction: SQLState = "25P01"
    /// `25P02` in_failed_sql_transaction
    public static let inFailedSqlTransaction: SQLState = "25P02"
    /// `25P03` idle_in_transaction_session_timeout
    public static let idleInTransactionSessionTimeout: SQLState = "25P03"

    // MARK: Class 28 — Invalid Authorization Specification

    /// `28000` invalid_authorization_specification
    public static let invalidAuthorizationSpecification: SQLState = "28000"
    /// `28P01` invalid_password
    public static let invalidPassword: SQLState = "28P01"

    // MARK: Class 3D — Invalid Catalog Name

    /// `3D000` invalid_catalog_name
    public static let invalidCatalogName: SQLState = "3D000"

    // MARK: Class 3F — Invalid Schema Name

    /// `3F000` invalid_schema_name
    public static let invalidSchemaName: SQLState = "3F000"

    // MARK: Class 40 — Transaction Rollback

    /// `40000` transaction_rollback
    public static let transactionRollback: SQLState = "40000"
    /// `40001` serialization_failure
    public static let serializationFailure: SQLState = "40001"
    /// `40P01` deadlock_detected
    public static let deadlockDetected: SQLState = "40P01"

    // MARK: Class 42 — Syntax Error or Access Rule Violation

    /// `42601` syntax_error
    public static let syntaxError: SQLState = "42601"
    /// `42501` insufficient_privilege
    public static let insufficientPrivilege: SQLState = "42501"
    /// `42804` datatype_mismatch
    public static let datatypeMismatch: SQLState = "42804"
    /// `42809` wrong_object_type
    public static let wrongObjectType: SQLState = "42809"
    /// `42703` undefined_column
    public static let undefinedColumn: SQLState = "42703"
    /// `42883` undefined_function
    public static let undefinedFunction: SQLState = "42883"
    /// `42P01` undefined_table
    public static let undefinedTable: SQLState = "42P01"
    /// `42P02` undefined_parameter
    public static let undefinedParameter: SQLState = "42P02"
    /// `42704` undefined_object
    public static let undefinedObject: SQLState = "42704"
    /// `42701` duplicate_column
    public static let duplicateColumn: SQLState = "42701"
    /// `42P04` duplicate_database
    public static let duplicateDatabase: SQLState = "42P04"
    /// `42723` duplicate_function
    public static let duplicateFunction: SQLState = "42723"
    /// `42P06` duplicate_schema
    public static let duplicateSchema: SQLState = "42P06"
    /// `42P07` duplicate_table
    public static let duplicateTable: SQLState = "42P07"
    /// `42710` duplicate_object
    public static let duplicateObject: SQLState = "42710"
    /// `42702` ambiguous_column
    public static let ambiguousColumn: SQLState = "42702"
    /// `42P12` invalid_database_definition
    public static let invalidDatabaseDefinition: SQLState = "42P12"
    /// `42P15` invalid_schema_definition
    public static let invalidSchemaDefinition: SQLState = "42P15"
    /// `42P16` invalid_table_definition
    public static let invalidTableDefinition: SQLState = "42P16"

    // MARK: Class 53 — Insufficient Resources

    /// `53000` insufficient_resources
    public static let insufficientResources: SQLState = "53000"
    /// `53100` disk_full
    public static let diskFull: SQLState = "53100"
    /// `53200` out_of_memory
    public static let outOfMemory: SQLState = "53200"
    /// `53300` too_many_connections
    public static let tooManyConnections: SQLState = "53300"

    // MARK: Class 54 — Program Limit Exceeded

    /// `54000` program_limit_exceeded
    public static let programLimitExceeded: SQLState = "54000"

    // MARK: Class 55 — Object Not In Prerequisite State

    /// `55000` object_not_in_prerequisite_state
    public static let objectNotInPrerequisiteState: SQLState = "55000"
    /// `55006` object_in_use
    public static let objectInUse: SQLState = "55006"
    /// `55P03` lock_not_available
    public static let lockNotAvailable: SQLState = "55P03"

    // MARK: Class 57 — Operator Intervention

    /// `57000` operator_intervention
    public static let operatorIntervention: SQLState = "57000"
    /// `57014` query_canceled
    public static let queryCanceled: SQLState = "57014"
    /// `57P01` admin_shutdown
    public static let adminShutdown: SQLState = "57P01"
    /// `57P02` crash_shutdown
    public static let crashShutdown: SQLState = "57P02"
    /// `57P03` cannot_connect_now
    public static let cannotConnectNow: SQLState = "57P03"
    /// `57P04` database_dropped
    public static let databaseDropped: SQLState = "57P04"
    /// `57P05` idle_session_timeout
    public static let idleSessionTimeout: SQLState = "57P05"

    // MARK: Class P0 — PL/pgSQL Error

    /// `P0000` plpgsql_error
    public static let plpgsqlError: SQLState = "P0000"
    /// `P0001` raise_exception
    public static let raiseException: SQLState = "P0001"
    /// `P0002` no_data_found
    public static let noDataFound: SQLState = "P0002"
    /// `P0003` too_many_rows
    public static let tooManyRows: SQLState = "P0003"
    /// `P0004` assert_failure
    public static let assertFailure: SQLState = "P0004"

    // MARK: Class XX — Internal Error

    /// `XX000` internal_error
    public static let internalError: SQLState = "XX000"

    /// PostgreSQL's condition names of the codes above, for descriptions.
    static let conditionNames: [String: String] = [
        "08000": "connection_exception",
        "08003": "connection_does_not_exist",
        "08006": "connection_failure",
        "08001": "sqlclient_unable_to_establish_sqlconnection",
        "08004": "sqlserver_rejected_establishment_of_sqlconnection",
        "08P01": "protocol_violation",
        "0A000": "feature_not_supported",
        "21000": "cardinality_violation",
        "22000": "data_exception",
        "22001": "string_data_right_truncation",
        "22003": "numeric_value_out_of_range",
        "22004": "null_value_not_allowed",
        "22007": "invalid_datetime_format",
        "22008": "datetime_field_overflow",
        "22012": "division_by_zero",
        "22023": "invalid_parameter_value",
        "22025": "invalid_escape_sequence",
        "22021": "character_not_in_repertoire",
        "2201B": "invalid_regular_expression",
        "22P02": "invalid_text_representation",
        "22P05": "untranslatable_character",
        "22032": "invalid_json_text",
        "23000": "integrity_constraint_violation",
        "23001": "restrict_violation",
        "23502": "not_null_violation",
        "23503": "foreign_key_violation",
        "23505": "unique_violation",
        "23514": "check_violation",
        "23P01": "exclusion_violation",
        "25000": "invalid_transaction_state",
        "25001": "active_sql_transaction",
        "25006": "read_only_sql_transaction",
        "25P01": "no_active_sql_transaction",
        "25P02": "in_failed_sql_transaction",
        "25P03": "idle_in_transaction_session_timeout",
        "28000": "invalid_authorization_specification",
        "28P01": "invalid_password",
        "3D000": "invalid_catalog_name",
        "3F000": "invalid_schema_name",
        "40000": "transaction_rollback",
        "40001": "serialization_failure",
        "40P01": "deadlock_detected",
        "42601": "syntax_error",
        "42501": "insufficient_privilege",
        "42804": "datatype_mismatch",
        "42809": "wrong_object_type",
        "42703": "undefined_column",
        "42883": "undefined_function",
        "42P01": "undefined_table",
        "42P02": "undefined_parameter",
        "42704": "undefined_object",
        "42701": "duplicate_column",
        "42P04": "duplicate_database",
        "42723": "duplicate_function",
        "42P06": "duplicate_schema",
        "42P07": "duplicate_table",
        "42710": "duplicate_object",
        "42702": "ambiguous_column",
        "42P12": "invalid_database_definition",
        "42P15": "invalid_schema_definition",
        "42P16": "invalid_table_definition",
        "53000": "insufficient_resources",
        "53100": "disk_full",
        "53200": "out_of_memory",
        "53300": "too_many_connections",
        "54000": "program_limit_exceeded",
        "55000": "object_not_in_prerequisite_state",
        "55006": "object_in_use",
        "55P03": "lock_not_available",
        "57000": "operator_intervention",
        "57014": "query_canceled",
        "57P01": "admin_shutdown",
        "57P02": "crash_shutdown",
        "57P03": "cannot_connect_now",
        "57P04": "database_dropped",
        "57P05": "idle_session_timeout",
        "P0000": "plpgsql_error",
        "P0001": "raise_exception",
        "P0002": "no_data_found",
        "P0003": "too_many_rows",
        "P0004": "assert_failure",
        "XX000": "internal_error",
    ]
}
