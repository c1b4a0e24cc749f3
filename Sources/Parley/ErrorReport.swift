import PQ
import SystemCalls

/// An error as a Parley program ends on it: the message it prints and its exit status (sysexits(3)).
///
/// The one place where errors become exit statuses, for `parley` and `parleyd` alike:
///
/// | status | when |
/// |---|---|
/// | 65 `EX_DATAERR` | input refused: SQLSTATE class 22 (data exception) or 23 (integrity constraint), P0001 and P0002 (raised by a function); an import file or a value the command refuses itself |
/// | 69 `EX_UNAVAILABLE` | the sendmail program is missing |
/// | 70 `EX_SOFTWARE` | a bug, or a program and schema that do not fit: any other SQLSTATE, class 42 included (a statement naming what does not exist is no fault of the input), a result that cannot be decoded |
/// | 71 `EX_OSERR` | a system call failed |
/// | 73 `EX_CANTCREAT` | an output file or directory cannot be written |
/// | 75 `EX_TEMPFAIL` | try again later: the database cannot be reached or went away (class 08, 57P01–57P03), is short of resources (class 53), a transaction was rolled back for a conflict (class 40), a lock or a statement timed out (55P03, 57014) |
/// | 77 `EX_NOPERM` | permission refused: SQLSTATE 42501 (a missing privilege — the message then says which role is needed — or a classification above one's clearance), class 28 |
/// | 78 `EX_CONFIG` | a setting to fix, a schema this build does not match; a write sent to a database that only reads (25006: a hot standby) |
///
/// Messages of the server are shown as it worded them, with its detail and hint: the refusals of Parley's
/// functions name the field and the rule. A connection string never appears.
public struct ErrorReport: Sendable {
    /// The message, without the program's name; may span lines (`DETAIL:`, `HINT:`).
    public var message: String
    public var exitStatus: Int32

    /// - Parameters:
    ///   - error: what ended the program.
    ///   - neededRole: the role the command needs, named when the server refuses for a missing privilege.
    public init(_ error: any Error, neededRole: ParleyRole? = nil) {
        switch error {
        case let error as ConfigurationError:
            (message, exitStatus) = (error.description, Sysexits.config)
        case let error as MigrationError:
            (message, exitStatus) = (error.description, Sysexits.config)
        case let error as InputRefusal:
            (message, exitStatus) = (error.description, Sysexits.dataError)
        case let error as ImportError:
            let permission = error.sqlState.map { SQLState(rawValue: $0) } == .insufficientPrivilege
            (message, exitStatus) = (error.description, permission ? Sysexits.noPermission : Sysexits.dataError)
        case let error as MailerError:
            (message, exitStatus) = (error.description, Self.status(of: error))
        case let error as OutputFileError:
            (message, exitStatus) = (error.description, Sysexits.cannotCreate)
        case let error as SystemCallError:
            (message, exitStatus) = (error.description, Sysexits.osError)
        case let error as PQError:
            (message, exitStatus) = Self.report(error, neededRole: neededRole)
        case let error as CustomStringConvertible:
            (message, exitStatus) = (error.description, Sysexits.software)
        default:
            (message, exitStatus) = ("\(error)", Sysexits.software)
        }
    }

    private static func status(of error: MailerError) -> Int32 {
        switch error {
        case .sendmailUnavailable: return Sysexits.unavailable
        case .directoryUnusable: return Sysexits.cannotCreate
        case .unexpectedData: return Sysexits.software
        }
    }

    private static func report(_ error: PQError, neededRole: ParleyRole?) -> (String, Int32) {
        switch error.kind {
        case .connectionFailed, .connectionLost:
            return ("cannot reach the database: \(error.serverMessage)", Sysexits.temporaryFailure)
        case .invalidConnectionString:
            return (error.serverMessage, Sysexits.config)
        case .server:
            guard let sqlState = error.sqlState else { return (error.serverMessage, Sysexits.software) }
            if error.isMissingPrivilege {
                let hint = neededRole?.refusalHint
                    ?? "Ask your administrator for the role that allows it. See what your login may do with: select * from parley.whoami;"
                return (error.serverMessage + "\nHINT: " + hint, Sysexits.noPermission)
            }
            if sqlState == .readOnlySqlTransaction {
                return (error.serverMessage + "\nHINT: " + Self.readOnlyHint, Sysexits.config)
            }
            return (error.serverMessage, status(of: sqlState))
        case .client:
            return (error.description + ": " + error.message, Sysexits.osError)
        default:
            return (error.serverMessage, Sysexits.software)
        }
    }

    /// What to do about a write refused because the database only reads (SQLSTATE 25006): a setting that points a
    /// program that writes at a hot standby.
    static let readOnlyHint = """
        The database only reads: it is a hot standby (or default_transaction_read_only is on). Recording, \
        migrating, planning and sending need the primary: point PARLEY_DATABASE_URL at it, or add \
        target_session_attrs=read-write to a URL that names several hosts. A standby belongs in \
        PARLEY_READ_DATABASE_URL, which only the commands that read use.
        """

    /// The exit status for a server error's SQLSTATE.
    static func status(of sqlState: SQLState) -> Int32 {
        switch sqlState {
        case .insufficientPrivilege:
            return Sysexits.noPermission
        case .readOnlySqlTransaction:
            return Sysexits.config
        case .raiseException, .noDataFound:
            return Sysexits.dataError
        case .lockNotAvailable, .queryCanceled, .adminShutdown, .crashShutdown, .cannotConnectNow:
            return Sysexits.temporaryFailure
        case .protocolViolation:
            return Sysexits.software
        default:
            switch sqlState.class {
            case "22", "23": return Sysexits.dataError
            case "28": return Sysexits.noPermission
            case "08", "40", "53": return Sysexits.temporaryFailure
            default: return Sysexits.software
            }
        }
    }
}
