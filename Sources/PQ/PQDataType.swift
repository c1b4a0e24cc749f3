/// A PostgreSQL data type as a result column reports it: its OID and, for built-in types, its name.
///
/// Domains are reported as their base type. Types PQ does not know (user enums, extensions) get the name
/// `oid <number>`; decoders accept any text form for them.
public struct PQDataType: Hashable, Sendable, CustomStringConvertible {
    /// The type's OID in `pg_type`.
    public let oid: UInt32

    public init(oid: UInt32) {
        self.oid = oid
    }

    /// The type's name in `pg_type` (`int8`, `timestamptz`, `_text` for `text[]`), or `oid <number>`.
    public var name: String {
        Self.known[oid]?.name ?? "oid \(oid)"
    }

    /// Whether PQ knows this built-in type; decoders check the column type only for known types.
    public var isKnown: Bool {
        Self.known[oid] != nil
    }

    /// For an array type, its element type; nil for other types and arrays PQ does not know.
    public var elementType: PQDataType? {
        Self.known[oid]?.element.map(PQDataType.init(oid:))
    }

    /// Whether this is a known array type.
    public var isArray: Bool {
        elementType != nil
    }

    public var description: String {
        name
    }

    /// `bool`
    public static let bool = PQDataType(oid: 16)
    /// `bytea`
    public static let bytea = PQDataType(oid: 17)
    /// `char`
    public static let char = PQDataType(oid: 18)
    /// `name`
    public static let name = PQDataType(oid: 19)
    /// `int8`
    public static let int8 = PQDataType(oid: 20)
    /// `int2`
    public static let int2 = PQDataType(oid: 21)
    /// `int4`
    public static let int4 = PQDataType(oid: 23)
    /// `regproc`
    public static let regproc = PQDataType(oid: 24)
    /// `text`
    public static let text = PQDataType(oid: 25)
    /// `oid`
    public static let oid = PQDataType(oid: 26)
    /// `json`
    public static let json = PQDataType(oid: 114)
    /// `xml`
    public static let xml = PQDataType(oid: 142)
    /// `point`
    public static let point = PQDataType(oid: 600)
    /// `float4`
    public static let float4 = PQDataType(oid: 700)
    /// `float8`
    public static let float8 = PQDataType(oid: 701)
    /// `unknown`
    public static let unknown = PQDataType(oid: 705)
    /// `money`
    public static let money = PQDataType(oid: 790)
    /// `macaddr`
    public static let macaddr = PQDataType(oid: 829)
    /// `inet`
    public static let inet = PQDataType(oid: 869)
    /// `cidr`
    public static let cidr = PQDataType(oid: 650)
    /// `bpchar`
    public static let bpchar = PQDataType(oid: 1042)
    /// `varchar`
    public static let varchar = PQDataType(oid: 1043)
    /// `date`
    public static let date = PQDataType(oid: 1082)
    /// `time`
    public static let time = PQDataType(oid: 1083)
    /// `timestamp`
    public static let timestamp = PQDataType(oid: 1114)
    /// `timestamptz`
    public static let timestamptz = PQDataType(oid: 1184)
    /// `interval`
    public static let interval = PQDataType(oid: 1186)
    /// `timetz`
    public static let timetz = PQDataType(oid: 1266)
    /// `bit`
    public static let bit = PQDataType(oid: 1560)
    /// `varbit`
    public static let varbit = PQDataType(oid: 1562)
    /// `numeric`
    public static let numeric = PQDataType(oid: 1700)
    /// `regclass`
    public static let regclass = PQDataType(oid: 2205)
    /// `record`
    public static let record = PQDataType(oid: 2249)
    /// `void`
    public static let void = PQDataType(oid: 2278)
    /// `uuid`
    public static let uuid = PQDataType(oid: 2950)
    /// `jsonb`
    public static let jsonb = PQDataType(oid: 3802)
    /// `bool[]`
    public static let boolArray = PQDataType(oid: 1000)
    /// `bytea[]`
    public static let byteaArray = PQDataType(oid: 1001)
    /// `char[]`
    public static let charArray = PQDataType(oid: 1002)
    /// `name[]`
    public static let nameArray = PQDataType(oid: 1003)
    /// `int2[]`
    public static let int2Array = PQDataType(oid: 1005)
    /// `int4[]`
    public static let int4Array = PQDataType(oid: 1007)
    /// `text[]`
    public static let textArray = PQDataType(oid: 1009)
    /// `bpchar[]`
    public static let bpcharArray = PQDataType(oid: 1014)
    /// `varchar[]`
    public static let varcharArray = PQDataType(oid: 1015)
    /// `int8[]`
    public static let int8Array = PQDataType(oid: 1016)
    /// `float4[]`
    public static let float4Array = PQDataType(oid: 1021)
    /// `float8[]`
    public static let float8Array = PQDataType(oid: 1022)
    /// `oid[]`
    public static let oidArray = PQDataType(oid: 1028)
    /// `timestamp[]`
    public static let timestampArray = PQDataType(oid: 1115)
    /// `date[]`
    public static let dateArray = PQDataType(oid: 1182)
    /// `time[]`
    public static let timeArray = PQDataType(oid: 1183)
    /// `timestamptz[]`
    public static let timestamptzArray = PQDataType(oid: 1185)
    /// `interval[]`
    public static let intervalArray = PQDataType(oid: 1187)
    /// `numeric[]`
    public static let numericArray = PQDataType(oid: 1231)
    /// `uuid[]`
    public static let uuidArray = PQDataType(oid: 2951)
    /// `json[]`
    public static let jsonArray = PQDataType(oid: 199)
    /// `jsonb[]`
    public static let jsonbArray = PQDataType(oid: 3807)

    private static let known: [UInt32: (name: String, element: UInt32?)] = [
        16: ("bool", nil),
        17: ("bytea", nil),
        18: ("char", nil),
        19: ("name", nil),
        20: ("int8", nil),
        21: ("int2", nil),
        23: ("int4", nil),
        24: ("regproc", nil),
        25: ("text", nil),
        26: ("oid", nil),
        114: ("json", nil),
        142: ("xml", nil),
        600: ("point", nil),
        700: ("float4", nil),
        701: ("float8", nil),
        705: ("unknown", nil),
        790: ("money", nil),
        829: ("macaddr", nil),
        869: ("inet", nil),
        650: ("cidr", nil),
        1042: ("bpchar", nil),
        1043: ("varchar", nil),
        1082: ("date", nil),
        1083: ("time", nil),
        1114: ("timestamp", nil),
        1184: ("timestamptz", nil),
        1186: ("interval", nil),
        1266: ("timetz", nil),
        1560: ("bit", nil),
        1562: ("varbit", nil),
        1700: ("numeric", nil),
        2205: ("regclass", nil),
        2249: ("record", nil),
        2278: ("void", nil),
        2950: ("uuid", nil),
        3802: ("jsonb", nil),
        1000: ("_bool", 16),
        1001: ("_bytea", 17),
        1002: ("_char", 18),
        1003: ("_name", 19),
        1005: ("_int2", 21),
        1007: ("_int4", 23),
        1009: ("_text", 25),
        1014: ("_bpchar", 1042),
        1015: ("_varchar", 1043),
        1016: ("_int8", 20),
        1021: ("_float4", 700),
        1022: ("_float8", 701),
        1028: ("_oid", 26),
        1115: ("_timestamp", 1114),
        1182: ("_date", 1082),
        1183: ("_time", 1083),
        1185: ("_timestamptz", 1184),
        1187: ("_interval", 1186),
        1231: ("_numeric", 1700),
        2951: ("_uuid", 2950),
        199: ("_json", 114),
        3807: ("_jsonb", 3802),
    ]
}
