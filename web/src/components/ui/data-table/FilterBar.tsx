import { ENTITIES } from '../../../../../api/entities';
import type { EntityName } from '../../../api/types';
import { Button } from '../../Button';
import { SelectField, TextField } from '../../Field';
import { DebouncedInput } from './DebouncedInput';
import type { ListState } from './listState';

export type FilterControl =
  | { kind: 'select'; param: string; label: string; options: Array<{ value: string; label: string }> }
  | { kind: 'text'; param: string; label: string; suggestions?: string[] }
  | { kind: 'date'; param: string; label: string };

interface FilterBarProps {
  entity: EntityName;
  state: ListState;
  controls: FilterControl[];
  /** The list's noun for the search label: "Search tickets". */
  noun: string;
  /** Filters set by a link (a company's tickets) that have no control: shown as removable chips. */
  chips?: Array<{ param: string; label: string }>;
  /** Filters fixed by the page (an embedded list): never shown, never removed. */
  fixed?: string[];
}

/** Controls beside the search box; the rest wait behind "More filters". */
const INLINE_CONTROLS = 2;

const SEARCH_NAMES: Record<string, string> = {
  summary: 'summary',
  ticket_id: 'ticket number',
  company_name: 'company',
  owner: 'owner',
  first_name: 'first name',
  last_name: 'last name',
  email: 'email',
  name: 'name',
  identifier: 'identifier',
  city: 'city',
  notes: 'notes',
  member: 'technician',
};

export function FilterBar({ entity, state, controls, noun, chips = [], fixed = [] }: FilterBarProps) {
  const { filters, search } = state.params;
  const searched = ENTITIES[entity].searchColumns.map((column) => SEARCH_NAMES[column] ?? column);
  const removable = Object.keys(filters).filter((param) => !fixed.includes(param));
  const moreInUse = controls.slice(INLINE_CONTROLS).some((control) => Boolean(filters[control.param]));
  const renderControl = (control: FilterControl) => {
    const value = filters[control.param] ?? '';
    switch (control.kind) {
      case 'select':
        return (
          <SelectField
            key={control.param}
            label={control.label}
            value={value}
            onChange={(event) => state.setFilter(control.param, event.target.value || undefined)}
          >
            <option value="">Any</option>
            {control.options.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </SelectField>
        );
      case 'text':
        return (
          <DebouncedInput
            key={control.param}
            label={control.label}
            value={value}
            suggestions={control.suggestions ?? []}
            onCommit={(text) => state.setFilter(control.param, text.trim() || undefined)}
          />
        );
      case 'date':
        return (
          <TextField
            key={control.param}
            type="date"
            label={control.label}
            value={value}
            onChange={(event) => state.setFilter(control.param, event.target.value || undefined)}
          />
        );
    }
  };
  return (
    <div className="space-y-3">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <DebouncedInput
          className="sm:col-span-2"
          type="search"
          label={`Search ${noun}`}
          placeholder={`Search by ${searched.join(', ')}`}
          value={search ?? ''}
          onCommit={state.setSearch}
        />
        {controls.slice(0, INLINE_CONTROLS).map(renderControl)}
      </div>
      {controls.length > INLINE_CONTROLS && (
        <details className="group" open={moreInUse}>
          <summary className="cursor-pointer text-sm font-medium text-indigo-700 hover:underline">
            More filters{moreInUse ? ' (in use)' : ''}
          </summary>
          <div className="mt-2 grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
            {controls.slice(INLINE_CONTROLS).map(renderControl)}
          </div>
        </details>
      )}
      {(chips.some((chip) => filters[chip.param]) || removable.length > 0 || search) && (
        <div className="flex flex-wrap items-center gap-2 text-sm">
          {chips
            .filter((chip) => filters[chip.param] && !fixed.includes(chip.param))
            .map((chip) => (
              <span
                key={chip.param}
                className="inline-flex items-center gap-1 rounded-full bg-indigo-50 py-0.5 pr-1 pl-3 text-indigo-900 ring-1 ring-indigo-200"
              >
                {chip.label}: {filters[chip.param]}
                <button
                  type="button"
                  onClick={() => state.setFilter(chip.param, undefined)}
                  className="rounded-full px-1.5 hover:bg-indigo-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
                  aria-label={`Remove the filter ${chip.label} ${filters[chip.param]}`}
                >
                  ×
                </button>
              </span>
            ))}
          <Button variant="ghost" onClick={state.clear}>
            Clear search and filters
          </Button>
        </div>
      )}
    </div>
  );
}
