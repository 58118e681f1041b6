import type { ComponentProps } from "react";

/**
 * A data table whose rows stack into cards on a phone (the `.stack-table` rules in
 * app/globals.css): give every cell its column's name with `<Cell label=…>`.
 */
export function StackTable({ className = "", ...rest }: ComponentProps<"table">) {
  return <table className={`stack-table w-full text-sm ${className}`} {...rest} />;
}

/** A cell that names its column when the row is stacked. */
export function Cell({ label, ...rest }: { label: string } & ComponentProps<"td">) {
  return <td data-label={label} {...rest} />;
}
