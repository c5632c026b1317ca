/**
 * The engine's error types. Every failure a template can cause is one of these five kinds, so
 * hosts (the HTTP API, the batch CLI) can map them to a status or a JSON `type` without parsing
 * messages.
 */

export type TemplateErrorType = 'syntax' | 'undefined' | 'runtime' | 'limit' | 'security';

export interface SourceLocation {
  /** 1-based line, as Jinja2 reports it. */
  line: number;
  /** 1-based column. */
  column: number;
}

export class TemplateError extends Error {
  readonly type: TemplateErrorType;
  line: number | undefined;
  column: number | undefined;
  /** Name of the template the error happened in (undefined for an unnamed `fromString`). */
  templateName: string | undefined;
  /** The offending source line, when known, for display under the message. */
  sourceLine: string | undefined;

  constructor(
    type: TemplateErrorType,
    message: string,
    location?: Partial<SourceLocation>,
    templateName?: string,
  ) {
    super(message);
    this.name = new.target.name;
    this.type = type;
    this.line = location?.line;
    this.column = location?.column;
    this.templateName = templateName;
    this.sourceLine = undefined;
  }

  /** Fills in the location once, at the innermost place that knows it; outer frames keep it. */
  locate(location: Partial<SourceLocation> | undefined, templateName?: string): this {
    if (this.line === undefined && location?.line !== undefined) {
      this.line = location.line;
      this.column = location.column;
      if (templateName !== undefined) this.templateName = templateName;
    }
    if (this.templateName === undefined && templateName !== undefined && this.line !== undefined) {
      this.templateName = templateName;
    }
    return this;
  }
}

export class TemplateSyntaxError extends TemplateError {
  constructor(message: string, location?: Partial<SourceLocation>, templateName?: string) {
    super('syntax', message, location, templateName);
  }
}

/** An undefined value was used in a way that needs a value (or at all, under `strict`). */
export class UndefinedError extends TemplateError {
  constructor(message: string, location?: Partial<SourceLocation>, templateName?: string) {
    super('undefined', message, location, templateName);
  }
}

/** Where Python would raise at run time: 1/0, 'a' + 1, calling a non-callable, a missing template… */
export class TemplateRuntimeError extends TemplateError {
  constructor(message: string, location?: Partial<SourceLocation>, templateName?: string) {
    super('runtime', message, location, templateName);
  }
}

/** Names of the resource limits, so a host can say which one a template broke. */
export type LimitName = 'fuel' | 'output' | 'recursion' | 'range' | 'string' | 'collection' | 'template_size';

export class LimitError extends TemplateError {
  readonly limit: LimitName;
  constructor(limit: LimitName, message: string, location?: Partial<SourceLocation>, templateName?: string) {
    super('limit', message, location, templateName);
    this.limit = limit;
  }
}

/** The template tried to reach something the sandbox does not hand out. */
export class SecurityError extends TemplateError {
  constructor(message: string, location?: Partial<SourceLocation>, templateName?: string) {
    super('security', message, location, templateName);
  }
}
