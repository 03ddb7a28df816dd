import { useEffect, useId, useState, type InputHTMLAttributes } from 'react';

interface DebouncedInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> {
  label: string;
  value: string;
  /** Called once typing has paused, with what the field then holds. */
  onCommit(value: string): void;
  delayMs?: number;
  /** Suggested values (a <datalist>); any other text is accepted too. */
  suggestions?: string[];
  hideLabel?: boolean;
}

/** A text field that applies what is typed after a pause, and follows its value when it changes elsewhere (back button). */
export function DebouncedInput({
  label,
  value,
  onCommit,
  delayMs = 300,
  suggestions,
  hideLabel = false,
  className = '',
  ...input
}: DebouncedInputProps) {
  const id = useId();
  const [text, setText] = useState(value);
  const [committed, setCommitted] = useState(value);
  if (value !== committed) {
    // The value changed from outside (navigation): show it.
    setCommitted(value);
    setText(value);
  }
  useEffect(() => {
    if (text === committed) return;
    const timer = setTimeout(() => {
      setCommitted(text);
      onCommit(text);
    }, delayMs);
    return () => clearTimeout(timer);
  }, [text, committed, onCommit, delayMs]);
  return (
    <div className={className}>
      <label htmlFor={id} className={hideLabel ? 'sr-only' : 'mb-1 block text-sm font-medium text-slate-800'}>
        {label}
      </label>
      <input
        id={id}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && text !== committed) {
            setCommitted(text);
            onCommit(text);
          }
        }}
        list={suggestions && suggestions.length > 0 ? `${id}-suggestions` : undefined}
        className="block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-900 shadow-sm placeholder:text-slate-500 focus:border-indigo-600 focus:outline-2 focus:outline-indigo-600"
        {...input}
      />
      {suggestions && suggestions.length > 0 && (
        <datalist id={`${id}-suggestions`}>
          {suggestions.map((suggestion) => (
            <option key={suggestion} value={suggestion} />
          ))}
        </datalist>
      )}
    </div>
  );
}
