/**
 * Keras' `naming.to_snake_case`: the one spelling rule for layer names, weight groups in `.keras`
 * files, and the loss, metric and initializer names that configs carry. Acronyms stay whole
 * ('SimpleRNN' → 'simple_rnn') and digits stick to the word before them ('Conv2D' → 'conv2d'),
 * exactly as Keras names them, so files written by either side agree.
 *
 * @example
 * // toSnakeCase('BatchNormalization') === 'batch_normalization' (internal; not exported from 'tensile')
 * // toSnakeCase('SimpleRNN') === 'simple_rnn'; toSnakeCase('binaryCrossentropy') === 'binary_crossentropy'
 */
export function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
