/**
 * Building blocks for the API schemas. Every schema carries, as its error
 * message, the Go type the API server would decode into; the decoder turns a
 * failed issue into `cannot unmarshal <json type> into Go struct field <path>
 * of type <Go type>`, which is what users see from a real server.
 */
import { z } from 'zod';
import { parseQuantity, QUANTITY_SYNTAX_ERROR } from '../quantity';

export const str = () => z.string({ error: 'string' });
export const bool = () => z.boolean({ error: 'bool' });
export const int32 = () => z.number({ error: 'int32' }).int({ error: 'int32' }).min(-2147483648, { error: 'int32' }).max(2147483647, { error: 'int32' });
// JS numbers are exact to 2^53, which covers every int64 a manifest realistically holds.
export const int64 = () => z.number({ error: 'int64' }).int({ error: 'int64' });
export const intOrString = () => z.union([z.number().int(), z.string()], { error: 'intstr.IntOrString' });
export const strings = () => z.array(str(), { error: '[]string' });
export const stringMap = () => z.record(z.string(), str(), { error: 'map[string]string' });
/** An open-ended nested structure (volume sources, securityContext, …), kept as given. */
export const jsonObject = (goType = 'struct') => z.record(z.string(), z.unknown(), { error: goType });
export const time = () => z.string({ error: 'v1.Time' });

/**
 * resource.Quantity accepts a JSON string or number; both are kept as text
 * (numbers via their shortest decimal form). A malformed one fails decoding, as upstream.
 */
export const quantity = () =>
  z
    .union([z.string(), z.number()], { error: 'resource.Quantity' })
    .transform((v) => (typeof v === 'number' ? String(v) : v))
    .refine((v) => parseQuantity(v) !== undefined, { error: QUANTITY_SYNTAX_ERROR });
export const resourceList = () => z.record(z.string(), quantity(), { error: 'v1.ResourceList' });

export const strict = <T extends z.core.$ZodLooseShape>(goType: string, shape: T) => z.strictObject(shape, { error: goType });
