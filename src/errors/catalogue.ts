/**
 * The error catalogue: every `code` a `CdcError` (or the schemas' `SchemaDataError`) can carry, with whether a
 * retry can succeed, what it means in a user's words and the general fix. Call sites give their own, more specific
 * fix (naming the key, the table, the GRANT to run); the catalogue's fix is used where a call site gives none, and
 * in docs/errors.md, which `npm run docs:errors` writes from this file (a unit test fails when it is stale).
 *
 * A code must be listed here to compile: `CdcError`'s constructor (and every subclass's) takes `code: ErrorCode`,
 * the maps and variables that hold codes are typed `ErrorCode`, and `err.code === 'X'` with a CdcError is a type
 * error unless 'X' is a listed code.
 */
import type { SchemaErrorCode } from '../../schemas/errors.js';

/** Where an error comes from; docs/errors.md has one table per area, in this order. */
export const ERROR_AREAS = {
  config: 'Configuration',
  rest: 'REST API',
  worker: 'Worker, internal topics and tasks',
  kafka: 'Kafka',
  source: 'Source position (MySQL/MariaDB and PostgreSQL)',
  mysql: 'MySQL/MariaDB',
  postgres: 'PostgreSQL',
  snapshot: 'Snapshots (MySQL/MariaDB and PostgreSQL)',
  conversion: 'Record conversion and schemas',
  demo: 'Demo (`npm run demo`)',
} as const;

export type ErrorArea = keyof typeof ERROR_AREAS;

interface ErrorSpecBase {
  area: ErrorArea;
  /** What happened, in a user's words: one line. */
  meaning: string;
  /** What to do, in general: one line. */
  fix: string;
}

/**
 * `retriable`: whether retrying the same operation can succeed without a human. `'depends'`: the code is raised
 * both ways; `when` says which is which.
 */
export type ErrorSpec =
  | (ErrorSpecBase & { retriable: boolean })
  | (ErrorSpecBase & { retriable: 'depends'; when: string });

export type Retriable = ErrorSpec['retriable'];

const REPORT_TYPE_MAPPING = 'This is a bug in the connector\'s type mapping; report it with the column\'s type definition.';

export const ERROR_CATALOGUE = {
  // ── Configuration ────────────────────────────────────────────────────────────────────────────────────────
  CONFIG_INVALID: {
    area: 'config', retriable: false,
    meaning: 'A worker or connector setting is missing, malformed or cannot be honoured; the message names the key.',
    fix: 'Correct the named key (worker properties or CONNECT_* variables; connector config via PUT /connectors/{name}/config) and start again; PUT /connector-plugins/{plugin}/config/validate checks a connector config first.',
  },

  // ── REST API ─────────────────────────────────────────────────────────────────────────────────────────────
  NOT_FOUND: {
    area: 'rest', retriable: false,
    meaning: 'The connector, task or plugin named in a request does not exist on this worker (HTTP 404).',
    fix: 'Check the name: GET /connectors lists the connectors, GET /connector-plugins the plugins.',
  },
  ALREADY_EXISTS: {
    area: 'rest', retriable: false,
    meaning: 'A connector with this name already exists (HTTP 409).',
    fix: 'Choose another name, or update the existing connector with PUT /connectors/{name}/config.',
  },
  BAD_REQUEST: {
    area: 'rest', retriable: false,
    meaning: 'The request is malformed, or asks for something the connector\'s config or state does not allow (HTTP 400).',
    fix: 'Correct the request as the message says; PUT /connector-plugins/{plugin}/config/validate reports config problems per key.',
  },
  CONFLICT: {
    area: 'rest', retriable: true,
    meaning: 'The request conflicts with the current state: the worker is shutting down, or an ad-hoc snapshot command reached a connector that is paused, stopped, has no running task or takes no signals (HTTP 409).',
    fix: 'Retry once the worker is up again, or resume (PUT /connectors/{name}/resume) or restart (POST /connectors/{name}/restart) the connector first.',
  },
  FORBIDDEN: {
    area: 'rest', retriable: false,
    meaning: 'The request uses a Kafka Connect API feature that this worker has switched off by configuration (HTTP 403).',
    fix: 'Enable the feature in the worker configuration, or do without it.',
  },

  // ── Worker, internal topics and tasks ───────────────────────────────────────────────────────────────────
  STORAGE_TOPIC_INVALID: {
    area: 'worker', retriable: false,
    meaning: 'An internal topic (config.storage.topic, offset.storage.topic, status.storage.topic) is not compacted, or the config topic has more than one partition.',
    fix: 'Set cleanup.policy=compact on the topic (kafka-configs.sh --alter ... --add-config cleanup.policy=compact), or point the setting at a new topic, which the worker creates correctly.',
  },
  OFFSET_FILE_CORRUPT: {
    area: 'worker', retriable: false,
    meaning: 'Standalone mode: the offsets file (offset.storage.file.filename) is not a complete tscdc offsets file, so the worker does not start rather than lose or reset the connectors\' positions.',
    fix: 'Restore the file from a backup (or from a saved GET /connectors/{name}/offsets), or move it away to start the connectors over as their snapshot.mode says.',
  },
  STORAGE_NOT_STARTED: {
    area: 'worker', retriable: false,
    meaning: 'Internal: a config, offset or status store was written before it was started.',
    fix: 'This is a bug; report it with the worker log, and restart the worker.',
  },
  NOT_LEADER: {
    area: 'rest', retriable: true,
    meaning: 'A request that changes state reached a worker that cannot apply it (only the group leader writes configs; only the worker running a connector restarts it), and forwarding it failed or was not allowed (forward=false).',
    fix: 'Retry once the group has finished rebalancing (each worker logs "group assignment received" with the leader\'s URL); or send the request to the leader directly.',
  },
  PLUGIN_NOT_FOUND: {
    area: 'worker', retriable: false,
    meaning: 'A stored connector uses a connector.class that is not installed on this worker.',
    fix: 'Install the plugin (plugin.path) and restart the worker, or delete the connector.',
  },
  TOO_MANY_TASKS: {
    area: 'worker', retriable: false,
    meaning: 'A connector plugin generated more task configs than its tasks.max allows.',
    fix: 'This is a bug in the connector plugin; report it.',
  },
  TASK_STOPPED: {
    area: 'worker', retriable: true,
    meaning: 'The task was stopped (pause, stop, restart, delete or worker shutdown) while records were still on their way to Kafka.',
    fix: 'Nothing to do: records whose offsets were not committed are read again when the task runs next.',
  },
  TASK_STOPPING: {
    area: 'worker', retriable: true,
    meaning: 'The task was stopped while a step of an ad-hoc snapshot was waiting to be retried.',
    fix: 'Nothing to do: the ad-hoc snapshot goes on after its last committed chunk when the task runs next.',
  },

  // ── Kafka ────────────────────────────────────────────────────────────────────────────────────────────────
  KAFKA_UNAVAILABLE: {
    area: 'kafka', retriable: true,
    meaning: 'Kafka cannot be reached: connection refused or dropped, name not resolved, or no answer in time.',
    fix: 'Check bootstrap.servers and that Kafka is running and reachable from this worker.',
  },
  KAFKA_TRANSIENT: {
    area: 'kafka', retriable: true,
    meaning: 'A passing broker condition: leader election, broker restart, not enough in-sync replicas, throttling.',
    fix: 'Usually resolves by itself (leader election, broker restart); check broker health if it persists.',
  },
  WORKER_GROUP: {
    area: 'kafka', retriable: true,
    meaning: 'The worker could not take part in its group (group.id) through the Kafka group coordinator: no coordinator yet, a rebalance in progress, or the worker was dropped from the group.',
    fix: 'Usually resolves by itself (the worker rejoins); if it persists, check that the brokers are healthy, that the worker may use the group (Group ACLs), and that session.timeout.ms lies within the broker\'s group.min/max.session.timeout.ms.',
  },
  KAFKA_AUTH_FAILED: {
    area: 'kafka', retriable: false,
    meaning: 'Kafka refused the worker\'s login: wrong SASL mechanism, user name, password or OAuth client, or a listener that does not expect SASL.',
    fix: 'Check sasl.mechanism and the user name and password (or OAuth client) in sasl.jaas.config for this Kafka listener.',
  },
  KAFKA_OAUTH_TOKEN_FAILED: {
    area: 'kafka', retriable: 'depends',
    when: 'retried after network failures, timeouts and HTTP 5xx, 408 or 429; not after other HTTP errors or an answer without a usable token',
    meaning: 'The worker could not get an OAuth access token (SASL/OAUTHBEARER) from the token endpoint.',
    fix: 'Check sasl.oauthbearer.token.endpoint.url, that the endpoint is reachable from the worker, and the client id, secret and scope.',
  },
  KAFKA_TLS_FAILED: {
    area: 'kafka', retriable: false,
    meaning: 'The TLS connection to Kafka failed: the broker\'s certificate is not trusted or does not name the host, or security.protocol does not match the listener.',
    fix: 'Set ssl.truststore.* to the CA that signed the broker\'s certificate and use a broker address the certificate names; use SSL or SASL_SSL for a TLS listener, PLAINTEXT or SASL_PLAINTEXT for a plain one (docs/kafka-security.md).',
  },
  KAFKA_NOT_AUTHORIZED: {
    area: 'kafka', retriable: false,
    meaning: 'The worker\'s principal may not use a topic, consumer group, transactional id or the cluster (a missing ACL).',
    fix: 'Grant this worker\'s principal the ACLs it needs: its topics, its consumer groups, and IdempotentWrite and CreateTopics on the cluster.',
  },
  KAFKA_PRODUCER_FENCED: {
    area: 'kafka', retriable: false,
    meaning: 'Exactly-once delivery: a newer instance of the task (restarted, or started on another worker) took over its transactional id, so Kafka refuses this one\'s writes; its open transaction is aborted and nothing it wrote becomes visible.',
    fix: 'Nothing to do if the task was restarted or moved: its newer instance carries on. If it repeats, make sure only one worker cluster uses this group.id with these connector names.',
  },
  KAFKA_TOPIC_MISSING: {
    area: 'kafka', retriable: false,
    meaning: 'A topic the worker uses does not exist and was not created.',
    fix: 'Create the topic, enable topic creation (topic.creation.default.* settings), or set auto.create.topics.enable=true on the broker.',
  },
  KAFKA_TOPIC_CREATE_FAILED: {
    area: 'kafka', retriable: false,
    meaning: 'Kafka refused to create a topic: replication factor, partition count, topic configs or the broker\'s create-topic policy.',
    fix: 'Use a replication factor no larger than the number of brokers (or -1), at least one partition and valid topic.creation.* settings; or create the topic yourself.',
  },
  KAFKA_INVALID_TOPIC: {
    area: 'kafka', retriable: false,
    meaning: 'A topic name is not valid in Kafka.',
    fix: 'Use a valid topic name: letters, digits, ".", "_" and "-", at most 249 characters.',
  },
  KAFKA_RECORD_TOO_LARGE: {
    area: 'kafka', retriable: false,
    meaning: 'Kafka refused a record or batch as larger than the topic or broker allows.',
    fix: 'Raise max.message.bytes on the topic (and message.max.bytes on the broker), or make records smaller (e.g. exclude large columns).',
  },
  KAFKA_INVALID_RECORD: {
    area: 'kafka', retriable: false,
    meaning: 'Kafka refused a record as invalid for the topic, e.g. a record without a key on a compacted topic.',
    fix: 'Check the topic configuration (e.g. compacted topics need keys on every record).',
  },
  KAFKA_UNSUPPORTED: {
    area: 'kafka', retriable: false,
    meaning: 'The broker does not support a request version or the compression type the worker uses.',
    fix: 'Use Kafka 2.8 or newer, and a compression.type the broker accepts (none, gzip, snappy, lz4; zstd needs Kafka 2.1+).',
  },
  KAFKA_ERROR: {
    area: 'kafka', retriable: 'depends',
    when: 'retried when the Kafka client says a later attempt can succeed, otherwise not',
    meaning: 'Another Kafka client or broker error.',
    fix: 'See the error message; check the Kafka broker logs.',
  },

  // ── Source position ─────────────────────────────────────────────────────────────────────────────────────
  POSITION_LOST: {
    area: 'source', retriable: false,
    meaning: 'The stored position (binlog file or GTID set; replication slot or the WAL it needs) is gone from the server, so changes since the last committed offset are lost; with snapshot.mode=when_needed the connector takes a new snapshot instead of failing.',
    fix: 'Reset the connector\'s offsets to take a new snapshot, or set snapshot.mode=when_needed; keep binlogs or the slot longer than the connector may be stopped.',
  },

  // ── MySQL/MariaDB ───────────────────────────────────────────────────────────────────────────────────────
  MYSQL_UNAVAILABLE: {
    area: 'mysql', retriable: true,
    meaning: 'MySQL/MariaDB cannot be reached or dropped the connection (refused, reset, restart, too many connections, lock wait timeout, deadlock).',
    fix: 'Check database.hostname and database.port, and that the server is running and accepts connections from this worker.',
  },
  MYSQL_ACCESS_DENIED: {
    area: 'mysql', retriable: false,
    meaning: 'MySQL/MariaDB refused the connector user\'s login.',
    fix: 'Check database.user and database.password, and that the user may connect from this host.',
  },
  MYSQL_UNKNOWN_HOST: {
    area: 'mysql', retriable: false,
    meaning: 'database.hostname cannot be resolved.',
    fix: 'Check database.hostname.',
  },
  MYSQL_MISSING_PRIVILEGES: {
    area: 'mysql', retriable: false,
    meaning: 'The connector user lacks a privilege needed to read the binlog or the captured tables.',
    fix: 'Grant the connector user SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE and REPLICATION CLIENT (MariaDB: BINLOG MONITOR) ON *.*.',
  },
  MYSQL_BINLOG_OFF: {
    area: 'mysql', retriable: false,
    meaning: 'The server does not write a binary log (log_bin=OFF), so there are no changes to capture (found by validate and at task start).',
    fix: 'Start the server with log_bin (e.g. log-bin=mysql-bin), a unique server_id, binlog_format=ROW, binlog_row_image=FULL and binlog_row_metadata=FULL.',
  },
  BINLOG_DISABLED: {
    area: 'mysql', retriable: false,
    meaning: 'The snapshot found no binary log on the server, so changes after the snapshot cannot be streamed.',
    fix: 'Enable the binary log (log_bin, binlog_format=ROW, binlog_row_image=FULL) and restart the server.',
  },
  MYSQL_BINLOG_MISCONFIGURED: {
    area: 'mysql', retriable: false,
    meaning: 'binlog_format, binlog_row_image or binlog_row_metadata is not what the connector needs (ROW, FULL, FULL).',
    fix: 'Set binlog_format=ROW, binlog_row_image=FULL and binlog_row_metadata=FULL in the server\'s configuration file and with SET GLOBAL.',
  },
  MYSQL_SERVER_ID_IN_USE: {
    area: 'mysql', retriable: false,
    meaning: 'Another replica or connector reads the binlog with the same database.server.id.',
    fix: 'Give every connector (and every real replica) its own database.server.id.',
  },
  OFFSET_INVALID: {
    area: 'mysql', retriable: false,
    meaning: 'The stored source offset cannot be read as a MySQL/MariaDB connector offset.',
    fix: 'Reset the connector\'s offsets (PATCH/DELETE /connectors/{name}/offsets while it is stopped) so it starts with a snapshot, or use another connector name.',
  },
  ROW_CONVERSION_FAILED: {
    area: 'mysql', retriable: false,
    meaning: 'A row from the binlog could not be converted into a change event.',
    fix: 'Report the column types of the table; set event.processing.failure.handling.mode=warn to skip such rows.',
  },
  MYSQL_TLS_FAILED: {
    area: 'mysql', retriable: false,
    meaning: 'TLS to MySQL/MariaDB failed: the server\'s certificate is not trusted or does not name database.hostname, the server offers no TLS where database.ssl.mode requires it, or a TLS file cannot be used.',
    fix: 'Set database.ssl.ca (or database.ssl.truststore) to the CA that signed the server\'s certificate and database.hostname to a name it holds, or relax database.ssl.mode (verify_ca, required, preferred).',
  },
  MYSQL_ERROR: {
    area: 'mysql', retriable: false,
    meaning: 'Another MySQL/MariaDB error.',
    fix: 'See the server\'s message in the error, and the server\'s error log.',
  },

  // ── PostgreSQL ──────────────────────────────────────────────────────────────────────────────────────────
  PG_UNAVAILABLE: {
    area: 'postgres', retriable: true,
    meaning: 'PostgreSQL cannot be reached or dropped the connection (refused, restart, shutdown, too many connections, serialization failure, deadlock).',
    fix: 'Check database.hostname and database.port, and that PostgreSQL is running and accepts connections (listen_addresses, pg_hba.conf); the connector retries by itself.',
  },
  PG_TLS_FAILED: {
    area: 'postgres', retriable: false,
    meaning: 'TLS to PostgreSQL failed: the server\'s certificate is not trusted or does not name database.hostname, the server offers no TLS where database.sslmode requires it, or a TLS file cannot be used.',
    fix: 'Set database.sslrootcert to the CA that signed the server\'s certificate and database.hostname to a name it holds, or relax database.sslmode (verify-ca, require, prefer).',
  },
  PG_AUTH_FAILED: {
    area: 'postgres', retriable: false,
    meaning: 'PostgreSQL refused the connector user\'s login (password or pg_hba.conf).',
    fix: 'Check database.user and database.password, and that pg_hba.conf lets this user connect to the database (also for replication connections).',
  },
  PG_DATABASE_MISSING: {
    area: 'postgres', retriable: false,
    meaning: 'database.dbname names a database that does not exist.',
    fix: 'Set database.dbname to an existing database, or create it.',
  },
  PG_WAL_LEVEL: {
    area: 'postgres', retriable: false,
    meaning: 'The server\'s wal_level is not logical, so logical decoding is off.',
    fix: 'Set wal_level = logical in postgresql.conf (or ALTER SYSTEM SET wal_level = logical) and restart PostgreSQL.',
  },
  PG_REPLICATION_PRIVILEGE: {
    area: 'postgres', retriable: false,
    meaning: 'The connector user has neither the REPLICATION attribute nor superuser, so it cannot use logical replication.',
    fix: 'Run ALTER ROLE <user> WITH REPLICATION as a superuser (or connect as a user that has it), and allow replication connections in pg_hba.conf.',
  },
  PG_PUBLICATION_MISSING: {
    area: 'postgres', retriable: false,
    meaning: 'The publication (publication.name) does not exist, and publication.autocreate.mode=disabled forbids creating it.',
    fix: 'Create it (CREATE PUBLICATION ... FOR TABLE ...) with the tables to capture, or set publication.autocreate.mode=filtered or all_tables.',
  },
  PG_PUBLICATION_PRIVILEGE: {
    area: 'postgres', retriable: false,
    meaning: 'The connector user may not create or change the publication (e.g. FOR ALL TABLES needs a superuser).',
    fix: 'Create the publication as a superuser, or make the connector user its owner, or set publication.autocreate.mode=filtered.',
  },
  PG_PUBLICATION_OWNER: {
    area: 'postgres', retriable: false,
    meaning: 'publication.autocreate.mode=filtered must update the publication\'s table list, but another user owns it.',
    fix: 'Make the connector user own it (ALTER PUBLICATION ... OWNER TO ...), or set publication.autocreate.mode=disabled and keep its table list up to date yourself.',
  },
  PG_PUBLICATION_ALL_TABLES: {
    area: 'postgres', retriable: false,
    meaning: 'publication.autocreate.mode=filtered needs a publication with a table list, but the existing one publishes ALL TABLES.',
    fix: 'Drop the publication so the connector recreates it, use another publication.name, or set publication.autocreate.mode=all_tables.',
  },
  PG_SLOT_IN_USE: {
    area: 'postgres', retriable: 'depends',
    when: 'waited for while the stream starts (slot.max.retries times, slot.retry.delay.ms apart) and while the slot is dropped (10 times, 0.5 s apart), as a previous task may still hold it; permanent in validate and once those waits are spent',
    meaning: 'Another client is reading the replication slot (slot.name).',
    fix: 'Stop that client (or the other connector using the same slot.name), or give this connector its own slot.name.',
  },
  PG_SLOT_PLUGIN: {
    area: 'postgres', retriable: false,
    meaning: 'The replication slot (slot.name) exists but uses another output plugin than pgoutput.',
    fix: 'Drop the slot (SELECT pg_drop_replication_slot(...)) if nothing else uses it, or set slot.name to another slot.',
  },
  PG_SLOT_DATABASE: {
    area: 'postgres', retriable: false,
    meaning: 'The replication slot (slot.name) belongs to another database.',
    fix: 'Set slot.name to a slot of this database (slots are per database), e.g. a new name.',
  },
  PG_SLOTS_EXHAUSTED: {
    area: 'postgres', retriable: false,
    meaning: 'The server has no free replication slot (max_replication_slots reached).',
    fix: 'Raise max_replication_slots (and max_wal_senders) in postgresql.conf, or drop unused slots.',
  },
  PG_TABLE_GONE: {
    area: 'postgres', retriable: true,
    meaning: 'A captured table disappeared while its snapshot was being prepared.',
    fix: 'Nothing to do if it was dropped on purpose: the connector retries and reads the table list again.',
  },
  PG_KEY_MISSING: {
    area: 'postgres', retriable: false,
    meaning: 'A change event has no value for a key column: the table\'s REPLICA IDENTITY does not cover its key.',
    fix: 'The table needs a primary key (or message.key.columns naming NOT NULL columns) covered by its REPLICA IDENTITY; check ALTER TABLE ... REPLICA IDENTITY.',
  },
  PG_VALUE_CONVERSION: {
    area: 'postgres', retriable: false,
    meaning: 'A column value could not be converted into the change event\'s schema.',
    fix: 'Check the column type; report a bug if the type is supported.',
  },
  PG_SIGNAL_TABLE_MISSING: {
    area: 'postgres', retriable: false,
    meaning: 'The signal table (signal.data.collection) does not exist.',
    fix: 'Create it (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048)) and grant the connector user INSERT on it, or unset signal.data.collection.',
  },
  PG_SIGNAL_TABLE_COLUMNS: {
    area: 'postgres', retriable: false,
    meaning: 'The signal table lacks one of the columns id, type and data.',
    fix: 'Give the signal table the columns id, type and data (README, Ad-hoc snapshots).',
  },
  PG_SIGNAL_TABLE_NOT_PUBLISHED: {
    area: 'postgres', retriable: false,
    meaning: 'The signal table is not in the publication, so the connector sees neither signals nor its snapshot watermarks.',
    fix: 'Add it (ALTER PUBLICATION ... ADD TABLE ...), or use publication.autocreate.mode=filtered (which adds it) or all_tables.',
  },
  PG_SIGNAL_TABLE_PRIVILEGE: {
    area: 'postgres', retriable: false,
    meaning: 'The connector user may not insert into the signal table, where ad-hoc snapshots write their watermarks.',
    fix: 'GRANT INSERT ON the signal table TO the connector user.',
  },
  PG_INCREMENTAL_TABLE_GONE: {
    area: 'postgres', retriable: false,
    meaning: 'A table of an ad-hoc snapshot is no longer captured or was dropped; the ad-hoc snapshot goes on without it.',
    fix: 'Nothing to do: the ad-hoc snapshot goes on without it.',
  },
  PG_INCREMENTAL_QUERY: {
    area: 'postgres', retriable: false,
    meaning: 'An ad-hoc snapshot query failed with a syntax or type error, almost always from the signal\'s additional-conditions filter.',
    fix: 'Check the additional-conditions filter of the execute-snapshot signal (a SQL WHERE fragment over the table\'s columns).',
  },
  PG_ERROR: {
    area: 'postgres', retriable: false,
    meaning: 'Another PostgreSQL error.',
    fix: 'See the PostgreSQL message; check the server log for details.',
  },

  // ── Snapshots ───────────────────────────────────────────────────────────────────────────────────────────
  SOURCE_UNREACHABLE: {
    area: 'snapshot', retriable: true,
    meaning: 'The database could not be reached, or the connection dropped, while tables were discovered or read.',
    fix: 'Check database.hostname and database.port and that the server is running; the snapshot retries and resumes after its last committed chunk.',
  },
  SOURCE_TRANSIENT: {
    area: 'snapshot', retriable: true,
    meaning: 'A passing database condition while tables were read: shutdown, too many connections, lock wait timeout, deadlock, cancelled query, serialization failure.',
    fix: 'Usually resolves by itself, and the snapshot retries; check the database server log if it persists.',
  },
  SOURCE_HOST_UNKNOWN: {
    area: 'snapshot', retriable: false,
    meaning: 'database.hostname cannot be resolved.',
    fix: 'Check the database hostname in the connector config.',
  },
  SOURCE_ACCESS_DENIED: {
    area: 'snapshot', retriable: false,
    meaning: 'The database refused the connector user\'s login, or access to a captured table.',
    fix: 'Check database.user and database.password, and grant the user SELECT on the captured tables (MySQL/MariaDB also RELOAD, REPLICATION CLIENT or BINLOG MONITOR, REPLICATION SLAVE; PostgreSQL the REPLICATION attribute and a pg_hba.conf entry).',
  },
  SOURCE_DATABASE_UNKNOWN: {
    area: 'snapshot', retriable: false,
    meaning: 'database.dbname names a database that does not exist.',
    fix: 'Check \'database.dbname\': the database does not exist.',
  },
  SNAPSHOT_TABLE_GONE: {
    area: 'snapshot', retriable: false,
    meaning: 'A captured table, database or schema was dropped while the snapshot ran.',
    fix: 'Restart the connector so the table list is read again.',
  },
  SNAPSHOT_EXPORT_GONE: {
    area: 'snapshot', retriable: false,
    meaning: 'PostgreSQL: the exported snapshot is no longer valid, because the connection that created the replication slot has closed.',
    fix: 'Resume the snapshot without it (restart the connector): the slot replays every change after its consistent point.',
  },
  SNAPSHOT_FAILED: {
    area: 'snapshot', retriable: false,
    meaning: 'Another database error during a snapshot.',
    fix: 'Look for the cause in the message and the database server log; restart the connector once it is resolved (the snapshot resumes after its last committed chunk).',
  },

  // ── Record conversion and schemas ───────────────────────────────────────────────────────────────────────
  RECORD_CONVERSION_FAILED: {
    area: 'conversion', retriable: false,
    meaning: 'A converter could not turn a record into bytes for Kafka.',
    fix: 'Check the converter settings (key.converter, value.converter) and the column types; report a bug if they are supported.',
  },
  TRANSFORM_FAILED: {
    area: 'conversion', retriable: false,
    meaning: 'A Single Message Transform (or its predicate) could not handle a record.',
    fix: 'Check the transforms.* settings against the records this connector emits (field names, types); errors.tolerance=all skips such records (with errors.deadletterqueue.topic.name keeping them).',
  },
  DATA_INVALID_VALUE: {
    area: 'conversion', retriable: false,
    meaning: 'A value is not of the type its Connect schema says.',
    fix: REPORT_TYPE_MAPPING,
  },
  CONVERTER_INCOMPATIBLE: {
    area: 'conversion', retriable: false,
    meaning: 'The key or value converter cannot write this record: ByteArrayConverter takes only bytes, the number converters only their number type (Connect\'s DataException).',
    fix: 'Use a converter that can write the record (JsonConverter, AvroConverter, StringConverter), or a transform that makes the key/value the type the converter takes; errors.tolerance=all skips such records.',
  },
  DATA_REQUIRED_NULL: {
    area: 'conversion', retriable: false,
    meaning: 'A field that is required and has no default value is null.',
    fix: REPORT_TYPE_MAPPING,
  },
  AVRO_SCHEMALESS: {
    area: 'conversion', retriable: false,
    meaning: 'The Avro converter was given a record without a schema.',
    fix: 'Use the JSON converter with schemas.enable=false for schemaless data.',
  },
  AVRO_SCHEMA_NOT_REGISTERED: {
    area: 'conversion', retriable: false,
    meaning: 'A record was converted to Avro before its schema was registered.',
    fix: 'This is a bug in the caller: it must await prepare(topic, schema) before converting; report it.',
  },
  AVRO_INVALID_NAME: {
    area: 'conversion', retriable: false,
    meaning: 'A table, column or schema name is not a valid Avro name (letters, digits and _, not starting with a digit), or two names became one.',
    fix: 'Set the connector\'s schema.name.adjustment.mode=avro and field.name.adjustment.mode=avro, or the converter\'s scrub.invalid.names=true.',
  },
  AVRO_NOT_A_RECORD: {
    area: 'conversion', retriable: false,
    meaning: 'RecordNameStrategy or TopicRecordNameStrategy was given a key or value whose schema is not a struct.',
    fix: 'Use TopicNameStrategy (the default) for key.subject.name.strategy / value.subject.name.strategy.',
  },
  AVRO_SCHEMA_INCOMPATIBLE: {
    area: 'conversion', retriable: false,
    meaning: 'The registered schema the converter must write with (use.latest.version, use.schema.id) cannot hold the connector\'s records.',
    fix: 'Register a version that is backward compatible with the records (every field it lacks has a default), or let the converter register its own (auto.register.schemas=true).',
  },
  REGISTRY_SCHEMALESS: {
    area: 'conversion', retriable: false,
    meaning: 'The JSON Schema or Protobuf converter was given a record without a schema.',
    fix: 'Use the JSON converter with schemas.enable=false for schemaless data.',
  },
  REGISTRY_SCHEMA_NOT_REGISTERED: {
    area: 'conversion', retriable: false,
    meaning: 'A record was converted to JSON Schema or Protobuf before its schema was registered.',
    fix: 'This is a bug in the caller: it must await prepare(topic, schema) before converting; report it.',
  },
  REGISTRY_NOT_A_STRUCT: {
    area: 'conversion', retriable: false,
    meaning: 'RecordNameStrategy or TopicRecordNameStrategy was given a key or value whose schema is not a named struct (JSON Schema, Protobuf).',
    fix: 'Use TopicNameStrategy (the default) for key.subject.name.strategy / value.subject.name.strategy.',
  },
  REGISTRY_SCHEMA_INCOMPATIBLE: {
    area: 'conversion', retriable: false,
    meaning: 'The registered JSON Schema or Protobuf schema the converter must write with (use.latest.version, use.schema.id) cannot hold the connector\'s records.',
    fix: 'Register a version that has every field of the records, or let the converter register its own (auto.register.schemas=true).',
  },
  PROTOBUF_UNSUPPORTED_SCHEMA: {
    area: 'conversion', retriable: false,
    meaning: 'The Protobuf converter cannot map a schema: a key or value that is not a struct, a name that is not a valid Protobuf name, arrays of arrays or maps, or maps of structs.',
    fix: 'Read the message: set scrub.invalid.names=true for names, or use the Avro or JSON Schema converter for such a table.',
  },
  SCHEMA_REGISTRY_UNAVAILABLE: {
    area: 'conversion', retriable: true,
    meaning: 'The schema registry cannot be reached, timed out, or failed (HTTP 5xx or 429).',
    fix: 'Check schema.registry.url and that the registry is running; the task retries.',
  },
  SCHEMA_REGISTRY_REJECTED: {
    area: 'conversion', retriable: false,
    meaning: 'The schema registry refused a request (HTTP 4xx: credentials, permissions, an invalid schema), or gave an answer that is not a Confluent registry\'s.',
    fix: 'Read the registry\'s message; check the registry URL, basic.auth.* credentials and the subject.',
  },
  SCHEMA_REGISTRY_INCOMPATIBLE: {
    area: 'conversion', retriable: false,
    meaning: 'The registry refused a new schema version as incompatible with the subject\'s earlier versions (HTTP 409).',
    fix: 'Make the table change compatible (e.g. new columns nullable or with a default), or relax the subject\'s compatibility level on the registry (PUT /config/{subject}), then restart the task.',
  },
  SCHEMA_REGISTRY_SCHEMA_NOT_FOUND: {
    area: 'conversion', retriable: false,
    meaning: 'With auto.register.schemas=false the record\'s schema (or subject) is not registered.',
    fix: 'Register the schema under the subject first, set use.latest.version=true to write with the latest version, or set auto.register.schemas=true.',
  },

  // ── Demo ────────────────────────────────────────────────────────────────────────────────────────────────
  DEMO_USAGE: {
    area: 'demo', retriable: false,
    meaning: 'The demo\'s command line is invalid.',
    fix: 'Run with --help to see the options.',
  },
  DEMO_SERVICES_DOWN: {
    area: 'demo', retriable: false,
    meaning: 'The Kafka, MariaDB or PostgreSQL named by KAFKA_BROKERS, MYSQL_URL or PG_URL did not answer.',
    fix: 'Start them, or unset KAFKA_BROKERS, MYSQL_URL and PG_URL to let the demo use the local test bed (npm run services:up).',
  },
  DEMO_MYSQL_UNREACHABLE: {
    area: 'demo', retriable: false,
    meaning: 'The demo cannot connect to MariaDB.',
    fix: 'Check MYSQL_URL (or run npm run services:up).',
  },
  DEMO_PG_UNREACHABLE: {
    area: 'demo', retriable: false,
    meaning: 'The demo cannot connect to PostgreSQL.',
    fix: 'Check PG_URL (or run npm run services:up).',
  },
  DEMO_NOT_OURS: {
    area: 'demo', retriable: false,
    meaning: 'A database with the demo\'s name exists but was not created by the demo, so it is left alone.',
    fix: 'Drop it yourself if it is disposable, or run the demo with --instance <id> to use other names.',
  },
  DEMO_MYSQL_FAILED: {
    area: 'demo', retriable: false,
    meaning: 'Setting up or changing the demo\'s MariaDB database failed.',
    fix: 'The MYSQL_URL user needs CREATE, DROP, INSERT, UPDATE and DELETE on the demo database; see the message for details.',
  },
  DEMO_PG_FAILED: {
    area: 'demo', retriable: false,
    meaning: 'Setting up or changing the demo\'s PostgreSQL database failed.',
    fix: 'The PG_URL user needs CREATEDB and REPLICATION (or superuser) for the demo; see the message for details.',
  },
  DEMO_NOT_BUILT: {
    area: 'demo', retriable: false,
    meaning: 'The worker is not built (dist/src/cli.js is missing).',
    fix: 'Build first: npm run build (npm run demo does).',
  },
  DEMO_NO_PORT: {
    area: 'demo', retriable: false,
    meaning: 'No free TCP port on 127.0.0.1 for the worker\'s REST API.',
    fix: 'Free a port and pass it with --port.',
  },
  DEMO_WORKER_EXITED: {
    area: 'demo', retriable: false,
    meaning: 'The demo\'s worker exited.',
    fix: 'Fix what the worker log says; the worker settings are in the properties file next to it.',
  },
  DEMO_WORKER_TIMEOUT: {
    area: 'demo', retriable: false,
    meaning: 'The demo\'s worker did not become healthy within 120 s.',
    fix: 'Check that Kafka answers (npm run services:up) and what the worker log says.',
  },
  DEMO_REGISTER_FAILED: {
    area: 'demo', retriable: false,
    meaning: 'The worker refused one of the demo\'s connectors.',
    fix: 'The message names the config key to fix; the request is printed above as a curl command.',
  },
  DEMO_CONNECTOR_FAILED: {
    area: 'demo', retriable: false,
    meaning: 'One of the demo\'s connectors FAILED.',
    fix: 'See GET /connectors/<name>/status and the worker log.',
  },
  DEMO_TIMEOUT: {
    area: 'demo', retriable: false,
    meaning: 'The demo gave up waiting for a snapshot or change events.',
    fix: 'Look at the worker log and GET /connectors/<name>/status; raise --timeout if the machine is just slow.',
  },
} as const satisfies Record<string, ErrorSpec> & Record<SchemaErrorCode, ErrorSpec>;
// (The second half of `satisfies` makes a code of schemas/errors.ts that is missing here a compile error:
// `schemas/` is a leaf that cannot import this file, so it lists its codes itself.)

/** Every code the service reports. A string that is not a key of the catalogue is not an `ErrorCode`. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

type Catalogue = typeof ERROR_CATALOGUE;

/** The codes whose catalogue `retriable` is one of `R`, e.g. `ErrorCodeWhere<true>`. */
export type ErrorCodeWhere<R extends Retriable> = { [C in ErrorCode]: Catalogue[C]['retriable'] extends R ? C : never }[ErrorCode];

/** The codes of one area, e.g. `ErrorCodeIn<'demo'>`. */
export type ErrorCodeIn<A extends ErrorArea> = { [C in ErrorCode]: Catalogue[C]['area'] extends A ? C : never }[ErrorCode];

/** The entry of a code, or undefined for a string that is not one (e.g. from a JavaScript plugin). */
export function errorSpec(code: string): ErrorSpec | undefined {
  return Object.hasOwn(ERROR_CATALOGUE, code) ? ERROR_CATALOGUE[code as ErrorCode] : undefined;
}

/** Whether a string is a catalogued code. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CATALOGUE, code);
}
