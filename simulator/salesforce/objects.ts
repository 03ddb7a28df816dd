/**
 * The simulated Salesforce objects and their fields (reference sources-servicenow-salesforce-deletes.md §B.3):
 * Account, Contact, Case, Field Service's WorkOrder and TimeSheetEntry. The kind of a field decides how SOQL
 * compares it, which literals it accepts and how it is written in JSON; a reference field names its parent object
 * and the relationship that reaches it (`AccountId` → `Account.Name`).
 */

export const SALESFORCE_OBJECTS = ['Account', 'Contact', 'Case', 'WorkOrder', 'TimeSheetEntry'] as const;

export type SalesforceObjectName = (typeof SALESFORCE_OBJECTS)[number];

export type FieldKind = 'id' | 'reference' | 'string' | 'picklist' | 'datetime' | 'boolean' | 'int';

export interface FieldSpec {
  /** The API name (SOQL names are case-insensitive; answers use this spelling). */
  readonly name: string;
  readonly kind: FieldKind;
  /** reference: the parent object. */
  readonly target?: SalesforceObjectName;
  /** reference: the relationship name used in `Relationship.Field` paths. */
  readonly relationship?: string;
}

export interface ObjectSchema {
  readonly name: SalesforceObjectName;
  /** The first three characters of every Id of this object. */
  readonly keyPrefix: string;
  /** Fields in the order records list them. */
  readonly fields: readonly FieldSpec[];
  /** Field by lower-cased name. */
  readonly byName: ReadonlyMap<string, FieldSpec>;
  /** Reference field by lower-cased relationship name. */
  readonly relationships: ReadonlyMap<string, FieldSpec>;
}

const field = (name: string, kind: FieldKind): FieldSpec => ({ name, kind });
const reference = (name: string, target: SalesforceObjectName): FieldSpec => ({
  name,
  kind: 'reference',
  target,
  relationship: name.replace(/Id$/, ''),
});

/** Fields every object has; `Id` and `IsDeleted` come first, the audit stamps last (system_fields.htm). */
const head = [field('Id', 'id'), field('IsDeleted', 'boolean')];
const audit = [
  field('CreatedDate', 'datetime'),
  field('LastModifiedDate', 'datetime'),
  field('SystemModstamp', 'datetime'),
];

const FIELDS: Record<SalesforceObjectName, FieldSpec[]> = {
  Account: [
    ...head,
    field('Name', 'string'),
    field('Type', 'picklist'),
    field('Industry', 'picklist'),
    field('Phone', 'string'),
    field('Website', 'string'),
    field('BillingCity', 'string'),
    field('BillingCountry', 'string'),
    ...audit,
  ],
  Contact: [
    ...head,
    reference('AccountId', 'Account'),
    field('FirstName', 'string'),
    field('LastName', 'string'),
    field('Name', 'string'),
    field('Email', 'string'),
    field('Phone', 'string'),
    field('Title', 'string'),
    ...audit,
  ],
  Case: [
    ...head,
    field('CaseNumber', 'string'),
    reference('AccountId', 'Account'),
    reference('ContactId', 'Contact'),
    field('Subject', 'string'),
    field('Status', 'picklist'),
    field('Priority', 'picklist'),
    field('Origin', 'picklist'),
    field('IsClosed', 'boolean'),
    field('ClosedDate', 'datetime'),
    ...audit,
  ],
  WorkOrder: [
    ...head,
    field('WorkOrderNumber', 'string'),
    reference('AccountId', 'Account'),
    reference('CaseId', 'Case'),
    field('Subject', 'string'),
    field('Status', 'picklist'),
    field('Priority', 'picklist'),
    ...audit,
  ],
  TimeSheetEntry: [
    ...head,
    field('TimeSheetEntryNumber', 'string'),
    reference('WorkOrderId', 'WorkOrder'),
    field('StartTime', 'datetime'),
    field('EndTime', 'datetime'),
    field('DurationInMinutes', 'int'),
    field('Subject', 'string'),
    field('Status', 'picklist'),
    field('Type', 'picklist'),
    ...audit,
  ],
};

/** Key prefixes of the standard objects (001, 003, 500 are documented; 0WO and 0TS as the brief fixes them). */
export const KEY_PREFIXES: Record<SalesforceObjectName, string> = {
  Account: '001',
  Contact: '003',
  Case: '500',
  WorkOrder: '0WO',
  TimeSheetEntry: '0TS',
};

function schemaOf(name: SalesforceObjectName): ObjectSchema {
  const fields = FIELDS[name];
  return {
    name,
    keyPrefix: KEY_PREFIXES[name],
    fields,
    byName: new Map(fields.map((spec) => [spec.name.toLowerCase(), spec])),
    relationships: new Map(
      fields
        .filter((spec) => spec.relationship !== undefined)
        .map((spec) => [(spec.relationship as string).toLowerCase(), spec]),
    ),
  };
}

export const SCHEMAS: Record<SalesforceObjectName, ObjectSchema> = Object.fromEntries(
  SALESFORCE_OBJECTS.map((name) => [name, schemaOf(name)]),
) as Record<SalesforceObjectName, ObjectSchema>;

const BY_LOWER_NAME = new Map<string, SalesforceObjectName>(
  SALESFORCE_OBJECTS.map((name) => [name.toLowerCase(), name]),
);

/** The object a (case-insensitive) name denotes, if the simulator knows it. */
export function objectNamed(name: string): SalesforceObjectName | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}

export function isSalesforceObject(name: string): name is SalesforceObjectName {
  return (SALESFORCE_OBJECTS as readonly string[]).includes(name);
}
